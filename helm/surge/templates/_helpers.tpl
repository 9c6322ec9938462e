{{/* Names: <release>-surge unless the release name already says surge. */}}
{{- define "surge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "surge.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "surge.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "surge.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "surge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "surge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "surge.siloSelectorLabels" -}}
{{ include "surge.selectorLabels" . }}
app.kubernetes.io/component: silo
{{- end }}

{{- define "surge.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "surge.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "surge.clusterId" -}}
{{- default (include "surge.fullname" .) .Values.cluster.clusterId }}
{{- end }}

{{- define "surge.serviceId" -}}
{{- default (include "surge.fullname" .) .Values.cluster.serviceId }}
{{- end }}

{{/* The Secret and key that hold the Redis connection string. */}}
{{- define "surge.redisSecretName" -}}
{{- default (printf "%s-redis" (include "surge.fullname" .)) .Values.redis.existingSecret }}
{{- end }}

{{- define "surge.redisSecretKey" -}}
{{- if .Values.redis.existingSecret }}{{ .Values.redis.existingSecretKey }}{{ else }}connection-string{{ end }}
{{- end }}

{{/*
A generated secret that outlives upgrades: the value already in the live Secret when there is one (helm lookup),
else a random one. Without a cluster (helm template, --dry-run=client, Argo CD) lookup finds nothing, so each
render makes a new value. Call: include "surge.keptSecret" (list . "<secret name>" "<key>" <length>)
*/}}
{{- define "surge.keptSecret" -}}
{{- $root := index . 0 }}
{{- $live := lookup "v1" "Secret" $root.Release.Namespace (index . 1) }}
{{- $kept := dig "data" (index . 2) "" $live | b64dec }}
{{- $kept | default (randAlphaNum (index . 3)) }}
{{- end }}

{{- define "surge.httpAuthSecretName" -}}
{{- default (printf "%s-http-auth" (include "surge.fullname" .)) .Values.http.auth.existingSecret }}
{{- end }}

{{/* Seconds as a .NET TimeSpan (d.hh:mm:ss): a bare number would bind as days. */}}
{{- define "surge.timespan" -}}
{{- $s := int . -}}
{{- printf "%d.%02d:%02d:%02d" (div $s 86400) (mod (div $s 3600) 24) (mod (div $s 60) 60) (mod $s 60) }}
{{- end }}

{{/* Kubernetes waits this long after SIGTERM before SIGKILL: pre-stop pause + the silo's drain + a margin. */}}
{{- define "surge.terminationGracePeriodSeconds" -}}
{{- add .Values.drain.preStopSleepSeconds .Values.drain.timeoutSeconds .Values.drain.graceMarginSeconds }}
{{- end }}

{{/* Rules the schema cannot express; each message names the values to change. */}}
{{- define "surge.validate" -}}
{{- $r := .Values.redis }}
{{- $sources := 0 }}
{{- if $r.trial.enabled }}{{ $sources = add1 $sources }}{{ end }}
{{- if $r.existingSecret }}{{ $sources = add1 $sources }}{{ end }}
{{- if $r.connectionString }}{{ $sources = add1 $sources }}{{ end }}
{{- if ne (int $sources) 1 }}
{{- fail (printf "redis: set exactly one of redis.trial.enabled=true, redis.existingSecret or redis.connectionString (%d set); silos need one Redis to form a cluster" (int $sources)) }}
{{- end }}
{{- if gt (int .Values.autoscale.minReplicas) (int .Values.autoscale.maxReplicas) }}
{{- fail (printf "autoscale.minReplicas (%d) is above autoscale.maxReplicas (%d); lower minReplicas or raise maxReplicas" (int .Values.autoscale.minReplicas) (int .Values.autoscale.maxReplicas)) }}
{{- end }}
{{- if .Values.membership.kubernetes }}
{{- range $key, $id := dict "cluster.clusterId" (include "surge.clusterId" .) "cluster.serviceId" (include "surge.serviceId" .) }}
{{- if or (gt (len $id) 63) (not (regexMatch "^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$" $id)) }}
{{- fail (printf "%s %q is not a Kubernetes label value, which membership.kubernetes puts on the pods; use at most 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or digit, or set membership.kubernetes=false" $key $id) }}
{{- end }}
{{- end }}
{{- end }}
{{- $p := .Values.ports }}
{{- if or (eq (int $p.silo) (int $p.gateway)) (eq (int $p.silo) (int $p.http)) (eq (int $p.gateway) (int $p.http)) }}
{{- fail (printf "ports: silo (%d), gateway (%d) and http (%d) must differ; give each its own port" (int $p.silo) (int $p.gateway) (int $p.http)) }}
{{- end }}
{{- end }}
