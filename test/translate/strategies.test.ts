import { RULES } from '../../rules/index.js';
import { fixLoop } from '../../src/engine/fix.js';
import { lintFiles } from '../../src/engine/lint.js';
import { MEMORY_ROOT } from '../../src/engine/memory-host.js';
import type { Strategy } from '../../src/engine/rule.js';

/** The job after translation (whole file), and what the fixer said. */
function translate(script: string, strategy: Strategy, extra = '', before = '') {
  const text = `${before}build:\n  image: docker:27\n  services:\n    - docker:27-dind\n${extra}  script:\n${script}`;
  const files = { '.gitlab-ci.yml': text };
  const settings = { strategy, images: {} };
  const result = fixLoop((o) => ({ findings: lintFiles(files, RULES, 'docker', o, settings) }), { unsafe: false, strategy });
  const out = result.changes.find((c) => c.path === `${MEMORY_ROOT}/.gitlab-ci.yml`)?.after ?? text;
  return { out, skipped: result.skipped.map((s) => s.reason), notes: result.applied.flatMap((a) => a.notes ?? []) };
}

const script = (...lines: string[]) => lines.map((l) => `    - ${l}\n`).join('');

describe('kaniko', () => {
  it('folds docker tag + docker push into destinations, and --push into the build', () => {
    const { out } = translate(
      script('docker build -t app:$CI_COMMIT_SHA .', 'docker tag app:$CI_COMMIT_SHA "$CI_REGISTRY_IMAGE:latest"', 'docker push "$CI_REGISTRY_IMAGE:latest"', 'docker buildx build --push -t other -f other.Dockerfile sub'),
      'kaniko',
    );
    expect(out).toContain('      --destination "$CI_REGISTRY_IMAGE:latest"');
    expect(out).not.toContain('--destination app:$CI_COMMIT_SHA');
    expect(out).toContain('/kaniko/executor \\\n        --context sub \\\n        --dockerfile other.Dockerfile \\\n        --destination other \\\n        --cleanup');
    expect(out).not.toMatch(/docker (tag|push)/);
  });

  it('adds --no-push when the job pushes nothing', () => {
    expect(translate(script('docker build -t app .'), 'kaniko').out).toContain('- /kaniko/executor --context . --dockerfile Dockerfile --no-push');
  });

  it('writes the credentials before the build when the job logs in after building', () => {
    const { out } = translate(script('docker build -t $CI_REGISTRY_IMAGE .', 'docker login -u $U -p $P $CI_REGISTRY', 'docker push $CI_REGISTRY_IMAGE'), 'kaniko');
    expect(out).toMatch(/- mkdir -p \/kaniko\/.docker\n {4}- printf .*\n {4}- \/kaniko\/executor/);
    expect(out).not.toContain('docker login');
  });

  it('puts every registry of several logins in one config.json', () => {
    const { out } = translate(script('docker login -u $HUB_USER -p $HUB_TOKEN', 'docker login -u $U -p $P $CI_REGISTRY', 'docker build -t $CI_REGISTRY_IMAGE .', 'docker push $CI_REGISTRY_IMAGE'), 'kaniko');
    expect(out).toContain(
      `printf '{"auths":{"%s":{"auth":"%s"},"%s":{"auth":"%s"}}}\\n' "https://index.docker.io/v1/" "$(printf '%s:%s' "$HUB_USER" "$HUB_TOKEN" | base64 | tr -d '\\n')" "$CI_REGISTRY" "$(printf '%s:%s' "$U" "$P" | base64 | tr -d '\\n')" > /kaniko/.docker/config.json`,
    );
  });

  it('is not offered for a push inside a condition, nor for an image the job did not build', () => {
    const cond = translate(script('docker build -t app .', 'if [ -n "$CI_COMMIT_TAG" ]; then docker push app; fi'), 'kaniko');
    expect(cond.out).toContain('docker:27-dind');
    expect(cond.skipped[0]).toContain('inside a condition, loop, pipe or wrapper');
    expect(cond.skipped[0]).toContain('Use --strategy buildah');
    const pulled = translate(script('docker pull nginx:1.27', 'docker tag nginx:1.27 $CI_REGISTRY_IMAGE/nginx', 'docker push $CI_REGISTRY_IMAGE/nginx'), 'kaniko');
    expect(pulled.skipped[0]).toContain('which tags an image this job does not build');
  });

  it('is not offered for a job that builds nothing (its script would be left empty)', () => {
    const { out, skipped } = translate(script('docker pull "$CI_REGISTRY_IMAGE:cache"', 'docker info'), 'kaniko', '  before_script:\n    - docker login -u $U -p $P $CI_REGISTRY\n');
    expect(out).toContain('docker:27-dind');
    expect(out).toContain('- docker pull "$CI_REGISTRY_IMAGE:cache"');
    expect(skipped).toEqual(['job `build` builds no image: kaniko would leave nothing of its `script`']);
  });

  it('is not offered for a job holding a !reference cilint could not replace (what it stands for is unknown)', () => {
    for (const strategy of ['kaniko', 'buildah', 'buildkit', 'socket'] as const) {
      const { out, skipped } = translate(script('docker build -t app .') + '    - !reference [.missing, script]\n', strategy);
      expect(out).toContain('docker:27-dind');
      expect(skipped).toEqual([expect.stringMatching(/^job `build` holds a `!reference` that cilint could not replace \(.*\.gitlab-ci\.yml:7:18\): fix the bad-reference finding first$/)]);
    }
  });

  it('is not offered for a job whose script holds more items than cilint translates for one file', () => {
    const template = `.t:\n  script:\n${Array.from({ length: 2_001 }, (_, i) => `    - echo ${i}\n`).join('')}`;
    for (const strategy of ['kaniko', 'socket'] as const) {
      const { out, skipped } = translate(script('docker build -t app .') + '    - !reference [.t, script]\n'.repeat(10), strategy, '', template);
      expect(out).toContain('docker:27-dind');
      expect(skipped).toEqual([
        'job `build` was not translated: its script holds 20,011 items once its `extends` and `!reference`s are replaced; cilint translates at most 20,000 for the jobs of one file',
      ]);
    }
  });

  it('drops a wait-for-the-daemon loop and docker info', () => {
    const { out } = translate(script('until docker info; do sleep 1; done', 'docker info', 'docker build -t app .'), 'kaniko');
    expect(out).not.toContain('docker info');
    expect(out).not.toContain('until');
  });
});

describe('buildkit', () => {
  it('splits -f into the dockerfile folder and file name, also when written with a variable', () => {
    expect(translate(script('docker build -f build/Dockerfile.ci -t a .'), 'buildkit').out).toContain('--local dockerfile=build \\\n        --opt filename=Dockerfile.ci');
    expect(translate(script('docker build -f "$DOCKERFILE" -t a .'), 'buildkit').out).toContain(
      '--local dockerfile="$(dirname "$DOCKERFILE")" \\\n        --opt filename="$(basename "$DOCKERFILE")"',
    );
  });

  it('builds for several platforms, and says what the runner needs', () => {
    const { out, notes } = translate(script('docker buildx build --platform linux/amd64,linux/arm64 --push -t $IMAGE .'), 'buildkit');
    expect(out).toContain('--opt platform=linux/amd64,linux/arm64');
    expect(out).toContain('--output "type=image,name=$IMAGE,push=true"');
    expect(notes.join('\n')).toContain('seccomp and AppArmor unconfined');
    expect(notes.join('\n')).toContain('no runner config was linted');
  });

  it('turns a bare --build-arg NAME into the value it takes from the environment', () => {
    expect(translate(script('docker build --build-arg NPM_TOKEN -t a .'), 'buildkit').out).toContain('--opt build-arg:NPM_TOKEN="$NPM_TOKEN"');
  });
});

describe('buildah', () => {
  it('translates command by command, in conditions too, keeping words and line continuations as written', () => {
    const { out } = translate(
      '    - |\n      docker build \\\n        --load \\\n        -t "$IMAGE" .\n      if [ "$CI_COMMIT_BRANCH" = main ]; then\n        docker tag "$IMAGE" "$LATEST" && docker push "$LATEST"\n      fi\n',
      'buildah',
    );
    expect(out).toContain('      buildah build \\\n        -t "$IMAGE" .\n');
    expect(out).toContain('        buildah tag "$IMAGE" "$LATEST" && buildah push "$LATEST"\n');
  });

  it('pushes each tag of docker build --push, and expands push --all-tags', () => {
    const { out } = translate(script('docker build --push -t $R:1 -t $R:latest .', 'docker push --all-tags $R'), 'buildah');
    expect(out).toContain('- buildah build -t $R:1 -t $R:latest . && buildah push $R:1 && buildah push $R:latest');
    expect(out).toContain('- buildah push $R:1 && buildah push $R:latest');
  });

  it('is not offered for a multi-platform build', () => {
    expect(translate(script('docker buildx build --platform linux/amd64,linux/arm64 -t a .'), 'buildah').skipped[0]).toContain('several platforms');
  });

  it('is not offered for a command inside sh -c', () => {
    expect(translate(script(`sh -c 'docker build -t a .'`), 'buildah').skipped[0]).toContain('inside a string a shell decodes');
  });
});

describe('socket', () => {
  it('keeps the script and overrides an inherited DOCKER_HOST it cannot remove', () => {
    const text = 'variables:\n  DOCKER_HOST: tcp://docker:2376\ntest:\n  script: [env]\nbuild:\n  image: docker:27\n  services:\n    - docker:27-dind\n  script:\n    - docker run -v "$PWD:/src" alpine ls /src\n';
    const files = { '.gitlab-ci.yml': text };
    const settings = { strategy: 'socket' as const, images: {} };
    const r = fixLoop((o) => ({ findings: lintFiles(files, RULES, 'docker', o, settings) }), { unsafe: false, strategy: 'socket' });
    const out = r.changes[0].after;
    expect(out).toBe(
      'variables:\n  DOCKER_HOST: tcp://docker:2376\ntest:\n  script: [env]\nbuild:\n  image: docker:27\n  script:\n    - docker run -v "$PWD:/src" alpine ls /src\n  variables:\n    DOCKER_HOST: unix:///var/run/docker.sock\n',
    );
    expect(r.applied[0].notes?.join('\n')).toContain("now mounts paths of the runner's host");
  });
});

describe('global variables', () => {
  // The globals are one table every inheriting job reads through: who reads DOCKER_HOST there decides
  // whether the translation of `build` may remove it.
  const fix = (other: string) => {
    const text = `variables:\n  V1: x\n  DOCKER_HOST: tcp://docker:2375\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: [docker build -t a .]\n${other}`;
    const files = { '.gitlab-ci.yml': text };
    const settings = { strategy: 'kaniko' as const, images: {} };
    const r = fixLoop((o) => ({ findings: lintFiles(files, RULES, 'docker', o, settings) }), { unsafe: false, strategy: 'kaniko' });
    return r.changes[0].after;
  };

  it('removes a global the other jobs do not read: they set their own, or inherit none', () => {
    expect(fix('other:\n  variables:\n    DOCKER_HOST: unix:///x.sock\n  script: [env]\n')).not.toContain('DOCKER_HOST: tcp://docker:2375');
    expect(fix('other:\n  inherit:\n    variables: false\n  script: [env]\n')).not.toContain('DOCKER_HOST: tcp://docker:2375');
    expect(fix('other:\n  inherit:\n    variables: [V1]\n  variables:\n    Z: z\n  script: [env]\n')).not.toContain('DOCKER_HOST: tcp://docker:2375');
  });

  it('keeps a global another job reads', () => {
    expect(fix('other:\n  script: [env]\n')).toContain('  DOCKER_HOST: tcp://docker:2375\n');
    expect(fix('other:\n  variables:\n    Z: z\n  script: [env]\n')).toContain('  DOCKER_HOST: tcp://docker:2375\n');
  });
});

describe('runner edits', () => {
  // Eight runners, three dind services: every runner is edited once, and a note names the first five.
  const runners = Array.from({ length: 8 }, (_, i) => `[[runners]]\n  name = "r${i}"\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n`).join('');
  const jobs = [0, 1, 2].map((i) => `b${i}:\n  image: docker:27\n  services:\n    - docker:27-dind\n  script:\n    - docker build -t app${i} .\n`).join('');
  const fix = (strategy: Strategy) => {
    const files = { '.gitlab-ci.yml': jobs, 'config.toml': runners };
    const settings = { strategy, images: {} };
    return fixLoop((o) => ({ findings: lintFiles(files, RULES, 'docker', o, settings) }), { unsafe: false, strategy });
  };

  it('buildkit: unconfines every runner, and names a few of them in its note', () => {
    const r = fix('buildkit');
    const toml = r.changes.find((c) => c.path.endsWith('config.toml'))!.after;
    expect(toml.match(/security_opt = \["seccomp:unconfined", "apparmor:unconfined"\]/g)).toHaveLength(8);
    expect(r.applied.flatMap((a) => a.notes ?? [])).toContainEqual(
      expect.stringMatching(/added security_opt to runner "r0" in config\.toml, runner "r1" .* runner "r4" in config\.toml and 3 more$/),
    );
  });

  it('socket: binds the socket on every runner, and names a few of them in its note', () => {
    const r = fix('socket');
    const toml = r.changes.find((c) => c.path.endsWith('config.toml'))!.after;
    expect(toml.match(/volumes = \["\/var\/run\/docker.sock:\/var\/run\/docker.sock"\]/g)).toHaveLength(8);
    expect(r.applied.flatMap((a) => a.notes ?? []).join('\n')).toMatch(/bound the socket in runner "r0" in config\.toml, .* and 3 more/);
  });
});
