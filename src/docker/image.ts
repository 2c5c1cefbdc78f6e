import { memoByString } from '../model/memo.js';
import { containsVariable, indexOutsideVariables, lastIndexOutsideVariables, splitOutsideVariables } from './text.js';

/** A container image reference split the way Docker reads it. */
export interface ImageRef {
  /** As written, trimmed. */
  raw: string;
  /**
   * First path component when it names a registry: it contains `.` or `:`, is `localhost`, or is
   * (or contains) a variable such as `$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX`.
   */
  registry?: string;
  /** Path after the registry, without tag or digest: `docker`, `library/docker`, `group/sub/image`. */
  repository: string;
  /** Last path component of `repository`. */
  name: string;
  tag?: string;
  /** e.g. `sha256:…` */
  digest?: string;
  /** `raw` contains `$VAR` or `${VAR}`, so what the runner pulls is only known at run time. */
  hasVariables: boolean;
}

/** Image references repeat across jobs (`docker:27`), so each distinct one is parsed once. */
export const parseImageRef = memoByString(computeImageRef);

function computeImageRef(raw: string): ImageRef {
  const text = raw.trim();
  const at = indexOutsideVariables(text, '@');
  const digest = at >= 0 ? text.slice(at + 1) : undefined;
  const path = splitOutsideVariables(at >= 0 ? text.slice(0, at) : text, '/');
  const last = path.pop() ?? '';
  const colon = lastIndexOutsideVariables(last, ':');
  const name = colon >= 0 ? last.slice(0, colon) : last;
  const tag = colon >= 0 ? last.slice(colon + 1) : undefined;
  const registry = path.length > 0 && looksLikeRegistry(path[0]) ? path.shift() : undefined;
  const ref: ImageRef = { raw: text, repository: [...path, name].join('/'), name, hasVariables: containsVariable(text) };
  if (registry !== undefined) ref.registry = registry;
  if (tag) ref.tag = tag;
  if (digest) ref.digest = digest;
  return ref;
}

// Docker's own rule: a first component is a host when it has a dot or a port, or is localhost.
// A variable there is almost always a registry or proxy prefix (GitLab's dependency proxy).
function looksLikeRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || containsVariable(component);
}

/** The official `docker` image under any registry, mirror or proxy prefix. */
export function isDockerImage(ref: ImageRef): boolean {
  return ref.name === 'docker';
}

/** A `docker` image whose tag selects the daemon variant (`dind`, `24-dind`, `dind-rootless`, …). */
export function isDindImage(ref: ImageRef): boolean {
  return isDockerImage(ref) && ref.tag !== undefined && ref.tag.includes('dind');
}

/** Docker major version from the tag (`24.0.6-dind-alpine3.18` → 24); undefined for `dind`, `latest` or no tag. */
export function dockerMajorVersion(ref: ImageRef): number | undefined {
  const match = ref.tag === undefined ? null : /^(\d+)/.exec(ref.tag);
  return match ? Number(match[1]) : undefined;
}

/**
 * True when the reference floats: no tag, or a tag without a version number (`latest`, `stable`,
 * `dind`, `cli`, `rc`, …). A digest pins regardless of tag; a major version (`docker:24`) is pinned
 * enough. A tag or name that comes from a variable cannot be judged, so it is not reported as floating.
 */
export function isUnpinnedTag(ref: ImageRef): boolean {
  if (ref.digest !== undefined) return false;
  if (ref.tag === undefined) return !containsVariable(ref.name);
  if (containsVariable(ref.tag)) return false;
  return !/^\d/.test(ref.tag);
}
