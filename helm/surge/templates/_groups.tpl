{{/*
Silo groups (Surge:Silo). Every group's values filled in, as JSON: values.groups, or with none the single group
"default" from the top-level values, which renders the chart as it was before groups (same StatefulSet, PDB and Role
names and selectors). Call: (include "surge.groups" . | fromJson).groups
*/}}
{{- define "surge.groups" -}}
{{- $root := . }}
{{- $v := .Values }}
{{- $base := include "surge.fullname" . }}
{{- $groups := list }}
{{- range ($v.groups | default (list (dict "name" "default"))) }}
{{- $default := eq .name "default" }}
{{- $replicas := .replicas | default dict }}
{{- $grace := int (include "surge.terminationGracePeriodSeconds" $root) }}
{{- $drain := int $v.drain.timeoutSeconds }}
{{- $notice := int (.reclaimNoticeSeconds | default 120) }}
{{- if .interruptible }}
{{- /* A reclaim gives the notice and no more: the drain, its pause and margin must fit in it. */}}
{{- $fit := sub $notice (add $v.drain.preStopSleepSeconds $v.drain.graceMarginSeconds) }}
{{- if lt (int $fit) 1 }}
{{- fail (printf "groups: %s is interruptible with reclaimNoticeSeconds %d, which leaves no time to drain after drain.preStopSleepSeconds and drain.graceMarginSeconds; lower those or raise reclaimNoticeSeconds" .name $notice) }}
{{- end }}
{{- $drain = min $drain $fit }}
{{- $grace = min $grace $notice }}
{{- end }}
{{- $groups = append $groups (dict
  "name" .name
  "default" $default
  "explicit" (not (empty $v.groups))
  "statefulSet" (ternary $base (printf "%s-%s" $base .name) $default)
  "pools" (.pools | default list)
  "min" (int ($replicas.min | default $v.autoscale.minReplicas))
  "max" (int ($replicas.max | default $v.autoscale.maxReplicas))
  "replicaCount" (int (.replicaCount | default $v.replicaCount))
  "resources" (.resources | default $v.resources)
  "nodeSelector" (.nodeSelector | default $v.nodeSelector)
  "tolerations" (.tolerations | default $v.tolerations)
  "affinity" (.affinity | default $v.affinity)
  "interruptible" (.interruptible | default false)
  "grace" $grace
  "drainTimeout" $drain) }}
{{- end }}
{{- dict "groups" $groups | toJson }}
{{- end }}

{{/* A group's selector: the silo labels, and the group's own unless it is the default group (selectors are immutable). */}}
{{- define "surge.groupSelectorLabels" -}}
{{- $root := index . 0 }}{{ $g := index . 1 }}
{{- include "surge.siloSelectorLabels" $root }}
{{- if not $g.default }}
surge.io/group: {{ $g.name }}
{{- end }}
{{- end }}

{{/* Who sets the pods: surge (the autoscaler patches each group's StatefulSet), external (KEDA), or nobody. */}}
{{- define "surge.pods" -}}
{{- if .Values.autoscale.enabled }}{{ .Values.autoscale.pods }}{{ else }}off{{ end }}
{{- end }}

{{- define "surge.validateGroups" -}}
{{- $names := list }}
{{- range .Values.groups }}
{{- if has .name $names }}
{{- fail (printf "groups: %s is listed twice; give each group its own name" .name) }}
{{- end }}
{{- $names = append $names .name }}
{{- $r := .replicas | default dict }}
{{- $min := int ($r.min | default $.Values.autoscale.minReplicas) }}
{{- $max := int ($r.max | default $.Values.autoscale.maxReplicas) }}
{{- if gt $min $max }}
{{- fail (printf "groups: %s has replicas.min %d above replicas.max %d; lower min or raise max" .name $min $max) }}
{{- end }}
{{- end }}
{{- if and (has "default" $names) (gt (len $names) 1) }}
{{- fail "groups: a group named default keeps the single-group StatefulSet, whose selector takes every silo pod; with several groups, name each for its pools (e.g. short and long)" }}
{{- end }}
{{- if and (eq (include "surge.pods" .) "external") .Values.autoscale.keda.enabled (not .Values.autoscale.keda.serverAddress) }}
{{- fail "autoscale.pods=external with autoscale.keda.enabled: set autoscale.keda.serverAddress to the Prometheus KEDA queries (e.g. http://prometheus-operated.monitoring:9090), or autoscale.keda.enabled=false to scale on the metric yourself" }}
{{- end }}
{{- end }}
