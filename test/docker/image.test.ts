import { dockerMajorVersion, isDindImage, isDockerImage, isUnpinnedTag, parseImageRef } from '../../src/docker/image.js';
import type { ImageRef } from '../../src/docker/image.js';

describe('parseImageRef', () => {
  const cases: [string, Partial<ImageRef>][] = [
    ['docker', { repository: 'docker', name: 'docker', registry: undefined, tag: undefined, digest: undefined }],
    ['docker:24-dind', { repository: 'docker', name: 'docker', tag: '24-dind' }],
    ['library/docker:dind', { registry: undefined, repository: 'library/docker', name: 'docker', tag: 'dind' }],
    ['docker.io/library/docker:27', { registry: 'docker.io', repository: 'library/docker', name: 'docker', tag: '27' }],
    ['registry.example.com:5000/docker', { registry: 'registry.example.com:5000', repository: 'docker', name: 'docker', tag: undefined }],
    ['registry.example.com:5000/group/sub/image:1.2', { registry: 'registry.example.com:5000', repository: 'group/sub/image', name: 'image', tag: '1.2' }],
    ['localhost/docker:dind', { registry: 'localhost', repository: 'docker', tag: 'dind' }],
    ['localhost:5000/docker', { registry: 'localhost:5000', repository: 'docker', tag: undefined }],
    ['registry:5000/mirror/docker:dind', { registry: 'registry:5000', repository: 'mirror/docker', name: 'docker', tag: 'dind' }],
    ['group/image', { registry: undefined, repository: 'group/image', name: 'image' }],
    ['docker@sha256:abc', { name: 'docker', tag: undefined, digest: 'sha256:abc' }],
    ['docker:24-dind@sha256:abc', { name: 'docker', tag: '24-dind', digest: 'sha256:abc' }],
    ['registry.example.com:5000/docker@sha256:abc', { registry: 'registry.example.com:5000', name: 'docker', tag: undefined, digest: 'sha256:abc' }],
    [
      '$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/docker:27-dind',
      { registry: '$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX', repository: 'docker', name: 'docker', tag: '27-dind', hasVariables: true },
    ],
    ['${CI_REGISTRY}/group/app:${CI_COMMIT_SHA}', { registry: '${CI_REGISTRY}', repository: 'group/app', tag: '${CI_COMMIT_SHA}' }],
    ['docker:${DOCKER_VERSION:-24}-dind', { name: 'docker', tag: '${DOCKER_VERSION:-24}-dind', hasVariables: true }],
    ['${IMAGE:-docker:dind}', { registry: undefined, name: '${IMAGE:-docker:dind}', tag: undefined, hasVariables: true }],
    ['$IMAGE', { name: '$IMAGE', tag: undefined, hasVariables: true }],
    ['  docker:dind  ', { raw: 'docker:dind', name: 'docker', tag: 'dind' }],
    ['docker:', { name: 'docker', tag: undefined }],
  ];

  it.each(cases)('%s', (raw, expected) => {
    const ref = parseImageRef(raw);
    for (const [key, value] of Object.entries(expected)) expect([key, ref[key as keyof ImageRef]]).toEqual([key, value]);
  });

  it('keeps the trimmed text and flags variables', () => {
    expect(parseImageRef(' docker:24 ')).toEqual({ raw: 'docker:24', repository: 'docker', name: 'docker', tag: '24', hasVariables: false });
    expect(parseImageRef('docker:24').hasVariables).toBe(false);
    expect(parseImageRef('$X/docker').hasVariables).toBe(true);
    expect(parseImageRef('${X}/docker').hasVariables).toBe(true);
  });
});

describe('isDockerImage / isDindImage', () => {
  const cases: [string, boolean, boolean][] = [
    ['docker', true, false],
    ['docker:27-cli', true, false],
    ['docker:dind', true, true],
    ['docker:24-dind', true, true],
    ['docker:24.0.6-dind-alpine3.18', true, true],
    ['docker:dind-rootless', true, true],
    ['docker:24-dind@sha256:abc', true, true],
    ['library/docker:dind', true, true],
    ['docker.io/library/docker:dind', true, true],
    ['$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/docker:27-dind', true, true],
    ['registry:5000/mirror/docker:dind', true, true],
    ['registry.example.com:5000/docker', true, false],
    ['docker@sha256:abc', true, false],
    ['docker:${DOCKER_VERSION}-dind', true, true],
    ['dind', false, false],
    ['my-docker:dind', false, false],
    ['docker/compose:1.29', false, false],
    ['gcr.io/kaniko-project/executor:debug', false, false],
    ['alpine:3.19', false, false],
  ];

  it.each(cases)('%s → docker %s, dind %s', (raw, docker, dind) => {
    const ref = parseImageRef(raw);
    expect(isDockerImage(ref)).toBe(docker);
    expect(isDindImage(ref)).toBe(dind);
  });
});

describe('dockerMajorVersion', () => {
  const cases: [string, number | undefined][] = [
    ['docker:24', 24],
    ['docker:24.0.6-dind-alpine3.18', 24],
    ['docker:27-dind', 27],
    ['docker:27.3-cli', 27],
    ['docker:20.10.24-dind', 20],
    ['docker:1.13', 1],
    ['docker:dind', undefined],
    ['docker:latest', undefined],
    ['docker', undefined],
    ['docker@sha256:abc', undefined],
    ['docker:${V}-dind', undefined],
    ['registry.example.com:5000/docker', undefined],
  ];

  it.each(cases)('%s → %s', (raw, major) => {
    expect(dockerMajorVersion(parseImageRef(raw))).toBe(major);
  });
});

describe('isUnpinnedTag', () => {
  const cases: [string, boolean][] = [
    ['docker', true],
    ['docker:latest', true],
    ['docker:stable', true],
    ['docker:edge', true],
    ['docker:dind', true],
    ['docker:stable-dind', true],
    ['docker:dind-rootless', true],
    ['docker:cli', true],
    ['docker:git', true],
    ['docker:rc', true],
    ['docker:test', true],
    ['registry.example.com:5000/docker', true],
    ['$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/docker:dind', true],
    ['docker:24', false],
    ['docker:24-dind', false],
    ['docker:24.0.6-dind-alpine3.18', false],
    ['docker@sha256:abc', false],
    ['docker:dind@sha256:abc', false],
    // What a variable holds is not known, so it is not reported as floating.
    ['docker:${DOCKER_VERSION}-dind', false],
    ['$DIND_IMAGE', false],
  ];

  it.each(cases)('%s → %s', (raw, unpinned) => {
    expect(isUnpinnedTag(parseImageRef(raw))).toBe(unpinned);
  });
});
