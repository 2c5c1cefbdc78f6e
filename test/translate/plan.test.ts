import { MemoryHost } from '../../src/engine/memory-host.js';
import type { Job } from '../../src/model/pipeline.js';
import { parseGitlabPipeline } from '../../src/parsers/gitlab/index.js';
import { readJobPlan, type BuildSpec, type Op } from '../../src/translate/plan.js';

function job(script: string): Job {
  const yaml = `build:\n  image: docker:27\n  services: [docker:27-dind]\n  script:\n${script}`;
  const p = parseGitlabPipeline('.gitlab-ci.yml', new MemoryHost({ '.gitlab-ci.yml': yaml }));
  return p.jobs[0];
}

function ops(script: string): Op[] {
  return readJobPlan(job(script)).commands.map((c) => c.op);
}

function build(line: string): BuildSpec {
  const op = ops(`    - ${line}\n`)[0];
  if (op.kind !== 'build') throw new Error(`not a build: ${op.kind}`);
  return op.build;
}

const texts = (words: readonly { text: string }[]) => words.map((w) => w.text);

describe('reading a job into a build plan', () => {
  it('reads every docker build option, keeping words as written', () => {
    const b = build(
      'docker build -t a:1 --tag "$IMAGE:$TAG" --tag=c -f docker/Dockerfile --build-arg A=1 --build-arg B --target prod --label x=1 --platform linux/arm64 --no-cache --pull --push ctx/',
    );
    expect(texts(b.tags)).toEqual(['a:1', '"$IMAGE:$TAG"', 'c']);
    expect(b.file?.text).toBe('docker/Dockerfile');
    expect(texts(b.buildArgs)).toEqual(['A=1', 'B']);
    expect(b.target?.text).toBe('prod');
    expect(texts(b.labels)).toEqual(['x=1']);
    expect(texts(b.platforms)).toEqual(['linux/arm64']);
    expect([b.noCache, b.pull, b.push]).toEqual([true, true, true]);
    expect(b.context?.text).toBe('ctx/');
    expect(b.unknown).toEqual([]);
  });

  it('keeps ${VAR:-default} and other expansions verbatim', () => {
    const b = build('docker build -t "${CI_REGISTRY_IMAGE:-registry.example.com/app}:${TAG:-latest}" --build-arg V=${VERSION:-dev} .');
    expect(texts(b.tags)).toEqual(['"${CI_REGISTRY_IMAGE:-registry.example.com/app}:${TAG:-latest}"']);
    expect(texts(b.buildArgs)).toEqual(['V=${VERSION:-dev}']);
  });

  it('reads buildx options: cache, push, and options that change nothing without a daemon', () => {
    const b = build('docker buildx build --push --load --progress plain --cache-from type=registry,ref=$CI_REGISTRY_IMAGE:cache --cache-to type=registry,ref=$CI_REGISTRY_IMAGE:cache,mode=max --secret id=npm,src=.npmrc .');
    expect(b.push).toBe(true);
    expect(texts(b.cacheFrom)).toEqual(['type=registry,ref=$CI_REGISTRY_IMAGE:cache']);
    expect(texts(b.cacheTo)).toEqual(['type=registry,ref=$CI_REGISTRY_IMAGE:cache,mode=max']);
    expect(b.dropped.map((o) => o.name)).toEqual(['--load', '--progress']);
    expect(b.buildahOnly.map((o) => o.name)).toEqual(['--secret']);
  });

  it('notes words that may hold options it cannot see', () => {
    expect(build('docker build $BUILD_FLAGS -t app .').unknown).toEqual(['$BUILD_FLAGS']);
    expect(build('docker build --squash-all -t app .').unknown).toEqual(['--squash-all']);
  });

  it('reads tag, push, pull and logins, wherever the password comes from', () => {
    const read = ops(
      [
        '    - docker tag app:1 "$CI_REGISTRY_IMAGE:1"',
        '    - docker image push --all-tags $CI_REGISTRY_IMAGE',
        '    - docker pull $CI_REGISTRY_IMAGE:latest || true',
        '    - docker login -u "$U" -p "$P" registry.example.com',
        '    - docker login --username=$U --password=$P',
        '    - echo "$P" | docker login -u "$U" --password-stdin $R',
        '    - cat /run/secrets/pw | docker login -u "$U" --password-stdin',
        '    - docker login -u "$U" --password-stdin <<< "$P"',
        '',
      ].join('\n'),
    );
    expect(read.map((o) => o.kind)).toEqual(['tag', 'push', 'pull', 'login', 'login', 'login', 'login', 'login']);
    const [tag, push, pull, l1, l2, l3, l4, l5] = read as [
      Extract<Op, { kind: 'tag' }>,
      Extract<Op, { kind: 'push' }>,
      Extract<Op, { kind: 'pull' }>,
      ...Extract<Op, { kind: 'login' }>[],
    ];
    expect([tag.source.text, tag.target.text]).toEqual(['app:1', '"$CI_REGISTRY_IMAGE:1"']);
    expect([push.image.text, push.allTags]).toEqual(['$CI_REGISTRY_IMAGE', true]);
    expect(pull.image.text).toBe('$CI_REGISTRY_IMAGE:latest');
    expect([l1.login.username?.text, l1.login.password, l1.login.registry?.text]).toEqual(['"$U"', '"$P"', 'registry.example.com']);
    expect([l2.login.username?.text, l2.login.password, l2.login.registry]).toEqual(['$U', '$P', undefined]);
    expect([l3.login.password, l3.login.registry?.text]).toEqual(['"$P"', '$R']);
    expect(l4.login.password).toBe('"$(cat /run/secrets/pw)"');
    expect(l5.login.password).toBe('"$P"');
  });

  it('tells commands a daemonless build absorbs from those that need a daemon', () => {
    const read = ops(
      [
        '    - docker info',
        '    - docker version',
        '    - docker buildx create --use',
        '    - docker logout',
        '    - docker run --rm app npm test',
        '    - docker compose up -d',
        '    - docker-compose run tests',
        '    - docker exec app ls',
        '    - docker cp app:/out .',
        '    - docker save app -o app.tar',
        '    - docker load -i app.tar',
        '    - docker image save app',
        '',
      ].join('\n'),
    );
    expect(read.map((o) => o.kind)).toEqual([
      'absorbed', 'absorbed', 'absorbed', 'absorbed',
      'needs-daemon', 'needs-daemon', 'needs-daemon', 'needs-daemon', 'needs-daemon', 'needs-daemon', 'needs-daemon', 'needs-daemon',
    ]);
  });

  it('places commands in multi-line scripts, line continuations and && chains', () => {
    const plan = readJobPlan(
      job(
        [
          '    - |',
          '      docker build \\',
          '        -t app .',
          '      docker push app && echo pushed',
          '      if [ -n "$CI_COMMIT_TAG" ]; then',
          '        docker push app:$CI_COMMIT_TAG',
          '      fi',
          '    - sudo docker build -t x .',
          '    - sh -c "docker build -t y ."',
          '',
        ].join('\n'),
      ),
    );
    const placed = plan.commands.map((c) => ({ kind: c.op.kind, statement: c.statement, element: c.element, direct: c.direct, approximate: c.approximate }));
    expect(placed).toEqual([
      { kind: 'build', statement: 0, element: 0, direct: true, approximate: false },
      { kind: 'push', statement: 1, element: 0, direct: true, approximate: false },
      { kind: 'push', statement: 2, element: 0, direct: false, approximate: false },
      { kind: 'build', statement: 0, element: 0, direct: false, approximate: false },
      { kind: 'build', statement: 0, element: 0, direct: false, approximate: true },
    ]);
    const first = plan.steps[0];
    expect(first.step.text.slice(plan.commands[0].start, plan.commands[0].end)).toBe('docker build \\\n  -t app .');
    expect(first.statements[1].operators).toEqual(['&&']);
  });
});
