# SYNTAX TEST "source.helm.kubectl-chart" "_helpers.tpl: define, template, block, include"
{{/*
Expand the name of the chart.
*/}}
{{- define "demo.name" -}}
#   ^^^^^^ keyword.control.go-template
#          ^^^^^^^^^^^ string.quoted.double.go-template
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
#   ^^^^^^^ support.function.go-template
#            ^^^^^ variable.language.builtin.go-template
#                               ^^^^^^^^^^^^ variable.other.property.go-template
#                                              ^^^^^ support.function.go-template
#                                                    ^^ constant.numeric.go-template
#                                                                    ^^^ string.quoted.double.go-template
{{- end }}
{{- define "demo.fullname" -}}
{{- if contains $name .Release.Name }}
#      ^^^^^^^^ support.function.go-template
#               ^^^^^ variable.other.go-template
{{- .Release.Name | trunc 63 }}
#    ^^^^^^^ variable.language.builtin.go-template
{{- end }}
{{- end }}
{{ template "demo.name" . }}
#  ^^^^^^^^ keyword.control.go-template
#           ^^^^^^^^^^^ string.quoted.double.go-template
#                       ^ variable.language.dot.go-template
{{ block "demo.extra" . }}default body{{ end }}
#  ^^^^^ keyword.control.go-template
#                         ^^^^^^^^^^^^ - meta.embedded.inline.go-template
{{ tpl (toYaml .Values.raw) $ | required "raw is required" }}
#  ^^^ support.function.go-template
#       ^^^^^^ support.function.go-template
#                           ^ variable.other.go-template
#                               ^^^^^^^^ support.function.go-template
Thank you for installing {{ .Chart.Name }}.
# <----- - meta.embedded.inline.go-template
#                            ^^^^^ variable.language.builtin.go-template
