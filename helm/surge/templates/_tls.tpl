{{/* Mutual TLS (issue 19): the Secret the silos mount, and the chart's client certificate and its subject. */}}
{{- define "surge.tlsSecretName" -}}
{{- if eq .Values.tls.source "existingSecret" }}{{ .Values.tls.existingSecret }}{{ else }}{{ include "surge.fullname" . }}-tls{{ end }}
{{- end }}

{{- define "surge.tlsClientSecretName" -}}
{{ include "surge.fullname" . }}-client-tls
{{- end }}

{{/* The chart's client certificate: made with the silos' unless the silos' Secret is the user's own. */}}
{{- define "surge.tlsClient" -}}
{{- if and .Values.tls.enabled .Values.tls.client.enabled (ne .Values.tls.source "existingSecret") }}true{{ end }}
{{- end }}

{{- define "surge.tlsClientSubject" -}}
CN={{ include "surge.fullname" . }}-client
{{- end }}

{{- define "surge.tlsValidate" -}}
{{- $t := .Values.tls }}
{{- if $t.enabled }}
{{- if and (eq $t.source "existingSecret") (not $t.existingSecret) }}
{{- fail "tls.source is existingSecret but tls.existingSecret is empty; name a kubernetes.io/tls Secret holding tls.crt, tls.key and ca.crt" }}
{{- end }}
{{- if and (eq $t.source "certManager") (not $t.certManager.issuerRef.name) }}
{{- fail "tls.source is certManager but tls.certManager.issuerRef.name is empty; name the cert-manager Issuer or ClusterIssuer that signs the cluster's certificates" }}
{{- end }}
{{- end }}
{{- end }}
