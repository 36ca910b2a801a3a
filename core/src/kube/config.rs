//! Kubeconfig resolution as kubectl does it.
