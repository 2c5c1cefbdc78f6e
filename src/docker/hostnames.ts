import { containsVariable, indexOutsideVariables, lastIndexOutsideVariables, splitOutsideVariables } from './text.js';

export type Executor = 'docker' | 'kubernetes';

export interface ServiceHostnames {
  names: string[];
  /** The image contains a variable, so the names derived from it are not the literal hostnames. */
  uncertain: boolean;
}

/**
 * Hostnames under which a GitLab job reaches a service container.
 *
 * GitLab Runner derives two names from the image (docs: "Accessing the services"): drop the tag
 * and digest, drop a registry port, then replace every `/` with `__` (primary) and with `-`
 * (secondary). Aliases are added on top; one alias string may list several, separated by commas
 * or spaces. The Kubernetes executor registers names as pod host aliases pointing at 127.0.0.1,
 * which must be DNS-1123 subdomains, so it skips derived names that are not (the `__` form always);
 * every service shares the pod's network there, so `localhost` reaches all of them.
 */
export function serviceHostnames(image: string, aliases: readonly string[], executor: Executor): ServiceHostnames {
  const uncertain = containsVariable(image);
  const derived = derivedHostnames(image);
  const usable =
    executor === 'docker'
      ? [derived.underscored, derived.dashed]
      : [derived.dashed].filter((name) => uncertain || isDns1123Subdomain(name));
  const names = [...usable.filter((name) => name !== ''), ...aliases.flatMap(splitAliases)];
  if (executor === 'kubernetes') names.push('localhost');
  return { names: [...new Set(names)], uncertain };
}

function derivedHostnames(image: string): { underscored: string; dashed: string } {
  const components = imagePathWithoutRegistryPort(image.trim()).split('/');
  return { underscored: components.join('__'), dashed: components.join('-') };
}

function imagePathWithoutRegistryPort(image: string): string {
  const at = indexOutsideVariables(image, '@');
  const components = splitOutsideVariables(at >= 0 ? image.slice(0, at) : image, '/');
  const last = components.length - 1;
  const colon = lastIndexOutsideVariables(components[last], ':');
  if (colon >= 0) components[last] = components[last].slice(0, colon);
  if (last > 0) components[0] = components[0].replace(/:\d+$/, '');
  return components.join('/');
}

function splitAliases(alias: string): string[] {
  return alias.split(/[\s,]+/).filter((name) => name !== '');
}

function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}
