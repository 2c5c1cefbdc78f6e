import { serviceHostnames } from '../../src/docker/hostnames.js';
import type { Executor } from '../../src/docker/hostnames.js';

describe('serviceHostnames', () => {
  const cases: [string, string[], Executor, string[]][] = [
    ['tutum/wordpress:latest', [], 'docker', ['tutum__wordpress', 'tutum-wordpress']],
    ['docker:24-dind', [], 'docker', ['docker']],
    ['docker:dind', [], 'docker', ['docker']],
    ['docker', [], 'docker', ['docker']],
    ['docker@sha256:abc', [], 'docker', ['docker']],
    ['docker:24-dind@sha256:abc', [], 'docker', ['docker']],
    [
      'registry.example.com:5000/group/docker:dind',
      [],
      'docker',
      ['registry.example.com__group__docker', 'registry.example.com-group-docker'],
    ],
    ['registry.gitlab-wp.com:4999/tutum/wordpress', [], 'docker', ['registry.gitlab-wp.com__tutum__wordpress', 'registry.gitlab-wp.com-tutum-wordpress']],
    ['docker:dind', ['dind'], 'docker', ['docker', 'dind']],
    ['docker:dind', ['docker'], 'docker', ['docker']],
    ['my-postgres:11.7', ['db,postgres,pg'], 'docker', ['my-postgres', 'db', 'postgres', 'pg']],
    ['my-postgres:11.7', ['db, postgres', 'pg'], 'docker', ['my-postgres', 'db', 'postgres', 'pg']],
    ['my-postgres:11.7', [' ', ''], 'docker', ['my-postgres']],
    // Kubernetes host aliases must be DNS-1123 names: no `__` form, and localhost reaches every service.
    ['tutum/wordpress:latest', [], 'kubernetes', ['tutum-wordpress', 'localhost']],
    ['docker:24-dind', [], 'kubernetes', ['docker', 'localhost']],
    ['registry.example.com:5000/group/docker:dind', ['dind'], 'kubernetes', ['registry.example.com-group-docker', 'dind', 'localhost']],
    ['my_registry/db:1', [], 'kubernetes', ['localhost']],
    ['docker:dind', ['localhost'], 'kubernetes', ['docker', 'localhost']],
    ['', ['docker'], 'docker', ['docker']],
  ];

  it.each(cases)('%s %j on %s', (image, aliases, executor, names) => {
    expect(serviceHostnames(image, aliases, executor)).toEqual({ names, uncertain: false });
  });

  it('marks names derived from an image with variables as uncertain', () => {
    expect(serviceHostnames('$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/docker:27-dind', [], 'docker')).toEqual({
      names: ['$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX__docker', '$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX-docker'],
      uncertain: true,
    });
    expect(serviceHostnames('${REGISTRY}/docker:${TAG:-dind}', ['docker'], 'kubernetes')).toEqual({
      names: ['${REGISTRY}-docker', 'docker', 'localhost'],
      uncertain: true,
    });
  });
});
