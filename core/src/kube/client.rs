//! The real cluster client: kube-rs transport (rustls + ring) and our own
//! discovery, behind the blocking [`KubeClient`] interface.
