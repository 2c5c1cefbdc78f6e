import type { Container, Mount, Variable } from '../../model/pipeline.js';
import type { Located, Span } from '../../model/span.js';
import { asMap, asScalar, asSeq, get, getEntry, scalarText, type TMap, type Tree, type TScalar } from '../../model/tree.js';

/**
 * The containers of a Kubernetes pod as the Kubernetes plugin reads them from a pod template's YAML
 * (`yaml '''…'''`, `yamlFile 'pod.yaml'`): image, `env`, `securityContext.privileged`, and `hostPath`
 * volumes joined with the containers' `volumeMounts`. `mapSpan` turns a span of the parsed text into
 * the span where that text is written (the Jenkinsfile, for YAML embedded in a string).
 */
/** Containers of one pod share its network namespace: each reaches the others on the loopback address. */
export const POD_HOSTNAMES: readonly string[] = ['localhost', '127.0.0.1'];

export interface PodContainer {
  /** The container's `name`, which `container('name')` and `defaultContainer` select. */
  readonly name: string | undefined;
  readonly container: Container;
}

export function podContainers(doc: Tree, mapSpan: (span: Span) => Span): PodContainer[] {
  const spec = asMap(get(asMap(doc), 'spec'));
  if (!spec) return [];
  const hostPaths = new Map<string, TScalar>();
  for (const volume of items(get(spec, 'volumes'))) {
    const name = scalarText(get(volume, 'name'));
    const path = asScalar(get(asMap(get(volume, 'hostPath')), 'path'));
    if (name !== undefined && path && path.value !== null) hostPaths.set(name, path);
  }
  // Containers share the pod's network: they reach each other on localhost, and by other names only
  // through hostAliases or the pod's own hostname.
  const complete = get(spec, 'hostAliases') === undefined && get(spec, 'hostname') === undefined;
  const out: PodContainer[] = [];
  for (const c of items(get(spec, 'containers'))) {
    const image = asScalar(get(c, 'image'));
    if (!image || image.value === null) continue;
    const variables = new Map<string, Variable>();
    for (const e of items(get(c, 'env'))) {
      const name = asScalar(get(e, 'name'));
      if (!name || name.value === null) continue;
      const value = asScalar(get(e, 'value'));
      const written = value && value.value !== null ? value : undefined;
      variables.set(name.text, {
        name: name.text,
        // `valueFrom` (a secret, a field) is only known at run time; no `value` at all is the empty string.
        value: written ? written.text : get(e, 'valueFrom') === undefined ? '' : undefined,
        nameSpan: mapSpan(name.span),
        span: mapSpan(written && written.span.end > written.span.start ? written.span : name.span),
      });
    }
    const mounts: Mount[] = [];
    for (const m of items(get(c, 'volumeMounts'))) {
      const path = hostPaths.get(scalarText(get(m, 'name')) ?? '');
      if (!path) continue;
      mounts.push({ hostPath: path.text, containerPath: scalarText(get(m, 'mountPath')), span: mapSpan(path.span) });
    }
    const container: Container = {
      role: 'service',
      image: located(image, mapSpan),
      span: mapSpan(c.span),
      aliases: [],
      variables,
      command: strings(get(c, 'args'), mapSpan),
      entrypoint: strings(get(c, 'command'), mapSpan),
      privileged: privilegedOf(c, mapSpan),
      mounts,
      hostnames: { names: POD_HOSTNAMES, complete },
    };
    out.push({ name: scalarText(get(c, 'name')), container });
  }
  return out;
}

function privilegedOf(c: TMap, mapSpan: (span: Span) => Span): Located<boolean> | undefined {
  const securityContext = asMap(get(c, 'securityContext'));
  const entry = securityContext ? getEntry(securityContext, 'privileged') : undefined;
  const value = asScalar(entry?.value);
  if (!entry || value?.value !== true) return undefined;
  return { value: true, span: mapSpan({ file: entry.keySpan.file, start: entry.keySpan.start, end: value.span.end }) };
}

function items(t: Tree | undefined): TMap[] {
  return (asSeq(t)?.items ?? []).map(asMap).filter((m): m is TMap => m !== undefined);
}

function located(s: TScalar, mapSpan: (span: Span) => Span): Located<string> {
  return { value: s.text, span: mapSpan(s.span) };
}

function strings(t: Tree | undefined, mapSpan: (span: Span) => Span): Located<string>[] {
  return (asSeq(t)?.items ?? [])
    .map(asScalar)
    .filter((s): s is TScalar => s !== undefined && s.value !== null)
    .map((s) => located(s, mapSpan));
}
