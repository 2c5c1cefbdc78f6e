/**
 * The Jenkins fixtures read into the common model: jobs, the containers they run in (image, services,
 * privilege, mounts, environment), their variables and shell steps, each with the line it is written on
 * (`line:text` of its span), also for values inside pod YAML embedded in a Jenkinsfile.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryHost } from '../../../src/engine/memory-host.js';
import type { Pipeline } from '../../../src/model/pipeline.js';
import { makeSourceFile, positionAt } from '../../../src/model/source.js';
import { spanText } from '../../../src/model/span.js';
import { parseJenkinsfile } from '../../../src/parsers/jenkins/index.js';
import { FIXTURES } from './fixtures.js';
import { at, container, job, parseFixture } from './model-summary.js';

function parseText(text: string, files: Record<string, string> = {}): Pipeline {
  const host = new MemoryHost({ ...files, Jenkinsfile: text });
  return parseJenkinsfile(host.read('Jenkinsfile') as ReturnType<typeof makeSourceFile>, host);
}

const named = (p: Pipeline, name: string) => {
  const j = p.jobs.find((x) => x.name === name);
  if (!j) throw new Error(`no job ${name} in ${p.jobs.map((x) => x.name).join(', ')}`);
  return j;
};

describe('declarative pipelines', () => {
  it('declarative-docker: the agent container with --privileged and a -v socket bind, inherited by stages', () => {
    const p = parseFixture('valid/declarative-docker');
    expect(p.issues).toEqual([]);
    expect(p.jobs.map((j) => j.name)).toEqual(['pipeline', 'Checkout', 'Build', 'Unit', 'Lint', 'Push', 'Deploy']);
    const top = job(named(p, 'pipeline'));
    expect(top.image).toEqual({
      image: "docker:27-cli @6:'docker:27-cli'",
      privileged: '7:--privileged',
      mounts: ['/var/run/docker.sock -> /var/run/docker.sock @7:/var/run/docker.sock:/var/run/docker.sock'],
    });
    expect(top.variables).toEqual({
      REGISTRY: `"registry.example.com" @25:'registry.example.com'`,
      IMAGE: `"\${REGISTRY}/team/app" @26:"\${REGISTRY}/team/app"`,
      DOCKER_HOST: `"tcp://docker:2376" @27:'tcp://docker:2376'`,
      DOCKER_TLS_CERTDIR: `"/certs" @28:'/certs'`,
      DOCKER_CERT_PATH: `"\${DOCKER_TLS_CERTDIR}/client" @29:"\${DOCKER_TLS_CERTDIR}/client"`,
      REGISTRY_CREDS: "undefined @30:credentials('registry-creds')",
    });
    expect(top.scripts).toEqual(["sh 115:'docker logout $REGISTRY || true'"]);
    expect(job(named(p, 'Build')).scripts).toEqual([
      'sh 53:"docker build -t ${IMAGE}:${params.IMAGE_TAG} --build-arg GIT_SHA=${env.GIT_COMMIT} ."',
      "sh 54:'''",
      'sh 58:"""',
      "sh 62:'docker version'",
    ]);
    expect(named(p, 'Unit').image).toBe(named(p, 'pipeline').image);
    // `agent { label 'linux' }`: the stage runs on a node, not in the container.
    expect(named(p, 'Lint').image).toBeUndefined();
    expect(job(named(p, 'Lint')).scripts).toEqual(['sh 76:"docker run --rm ${IMAGE}:${params.IMAGE_TAG} npm run lint"']);
  });

  it('declarative-docker: GString steps keep interpolations as text, escapes decoded, not editable', () => {
    const build = named(parseFixture('valid/declarative-docker'), 'Build');
    const gstring = build.scripts[2]!;
    expect(gstring.text).toBe('\n          echo "Built ${IMAGE}"\n          docker tag ${IMAGE}:${params.IMAGE_TAG} ${IMAGE}:${env.BUILD_NUMBER}\n        ');
    expect(gstring.editable).toBe(false);
    const tag = gstring.text.indexOf('docker tag');
    expect(positionAt(gstring.span.file, gstring.sourceOffset(tag)).line).toBe(60);
    expect(build.scripts[3]!.editable).toBe(true);
  });

  it('declarative-dockerfile: the image built from the Dockerfile, with its args; matrix stages inherit it', () => {
    const p = parseFixture('valid/declarative-dockerfile');
    expect(p.jobs.map((j) => j.name)).toEqual(['pipeline', 'Image', 'Cross build']);
    expect(container(named(p, 'Cross build').image!)).toEqual({
      image: "ci/Dockerfile.build @4:'ci/Dockerfile.build'",
      privileged: '8:--privileged',
      mounts: ['/var/run/docker.sock -> /var/run/docker.sock @8:/var/run/docker.sock:/var/run/docker.sock'],
    });
    expect(job(named(p, 'Cross build')).scripts).toEqual([`sh 32:"docker buildx build --platform \${PLATFORM} -t app:\${PLATFORM.replace('/', '-')} ."`]);
  });

  it('declarative-kubernetes: pod YAML containers at their lines in the Jenkinsfile; defaultContainer runs the steps', () => {
    const p = parseFixture('valid/declarative-kubernetes');
    expect(p.issues).toEqual([]);
    const build = job(named(p, 'Build'));
    expect(build).toEqual({
      name: "Build @44:'Build'",
      image: {
        image: 'docker:27-cli @14:docker:27-cli',
        env: {
          DOCKER_HOST: '"tcp://localhost:2376" @19:tcp://localhost:2376',
          DOCKER_TLS_VERIFY: '"1" @21:"1"',
          DOCKER_CERT_PATH: '"/certs/client" @23:/certs/client',
        },
        hostnames: 'localhost,127.0.0.1',
      },
      services: [
        {
          image: 'docker:27-dind @28:docker:27-dind',
          privileged: '30:privileged: true',
          env: { DOCKER_TLS_CERTDIR: '"/certs" @33:/certs' },
          hostnames: 'localhost,127.0.0.1',
        },
      ],
      variables: {
        DOCKER_HOST: '"tcp://localhost:2376" @19:tcp://localhost:2376',
        DOCKER_TLS_VERIFY: '"1" @21:"1"',
        DOCKER_CERT_PATH: '"/certs/client" @23:/certs/client',
      },
      scripts: ["sh 47:'docker build -t app .'"],
    });
    expect(named(p, 'Build').image!.role).toBe('image');
    expect(named(p, 'Build').services[0]!.role).toBe('service');
  });
});

describe('scripted pipelines', () => {
  it('scripted-dind: a withRun sidecar (its image from a variable), an inside job linked to it, a withEnv job', () => {
    const p = parseFixture('valid/scripted-dind');
    expect(p.issues).toEqual([]);
    const dind = {
      image: "docker:27-dind @6:'docker:27-dind'",
      privileged: '27:--privileged',
      env: { DOCKER_TLS_CERTDIR: '"" @27:DOCKER_TLS_CERTDIR=' },
    };
    expect(p.jobs.map(job)).toEqual([
      { name: 'node(docker) @22:node', services: [{ ...dind, hostnames: '(none known) (and others)' }] },
      {
        name: 'inside(docker:27-cli) @28:inside',
        image: { image: "docker:27-cli @28:'docker:27-cli'", env: { DOCKER_HOST: '"tcp://docker:2375" @28:tcp://docker:2375' } },
        services: [{ ...dind, hostnames: 'docker (and others)' }],
        variables: { DOCKER_HOST: '"tcp://docker:2375" @28:tcp://docker:2375' },
        scripts: ["sh 30:'docker version'"],
      },
      {
        // The sidecar only lives inside withRun's body.
        name: 'node(docker) withEnv @36:withEnv',
        variables: {
          DOCKER_HOST: '"unix:///var/run/docker.sock" @36:unix:///var/run/docker.sock',
          TAG: '"${tag}" @36:${tag}',
        },
        scripts: ["sh 39:'docker run --rm team/app:$TAG /smoke-test'", 'sh 44:"docker rmi team/app:${tag} || true"'],
      },
    ]);
  });

  it('next-line-closures: an image handle in a variable, withRun with its closure on the next line', () => {
    const p = parseFixture('valid/next-line-closures');
    expect(p.jobs.map(job)).toEqual([
      {
        name: 'node(docker) @2:node',
        services: [{ image: "docker:27-dind @9:'docker:27-dind'", privileged: '10:--privileged', hostnames: '(none known) (and others)' }],
        scripts: ["sh 6:'docker build -t app .'", 'sh 12:"docker -H tcp://${c.id}:2375 info"'],
      },
    ]);
  });

  it('crlf: lines and offsets hold in a CRLF file, and step text has plain \\n line breaks', () => {
    const p = parseFixture('valid/crlf');
    expect(p.jobs.map(job)).toEqual([
      {
        name: "Build @8:'Build'",
        variables: { DOCKER_HOST: `"tcp://docker:2376" @5:'tcp://docker:2376'` },
        scripts: ["sh 10:'''", 'sh 14:"docker push app:${env.BUILD_NUMBER}"'],
      },
    ]);
    const [multiLine] = p.jobs[0]!.scripts;
    expect(multiLine!.text).toBe('\n          docker build -t app .\n          docker run --privileged docker:27-dind\n        ');
    expect(multiLine!.editable).toBe(true);
    const run = multiLine!.text.indexOf('docker run');
    const start = multiLine!.sourceOffset(run);
    expect(positionAt(multiLine!.span.file, start)).toEqual({ line: 12, column: 11 });
    expect(multiLine!.span.file.text.slice(start, multiLine!.sourceOffset(run + 'docker run'.length))).toBe('docker run');
  });

  it('groovy-syntax: steps in closures, parallel branches and outside any node', () => {
    const p = parseFixture('valid/groovy-syntax');
    expect(p.issues).toEqual([]);
    expect(p.jobs.map((j) => [j.name, j.scripts.map((s) => at(s.span))])).toEqual([
      ['Jenkinsfile', ["101:'flaky-command'"]],
      ['node', ['38:"make ARCH=${arch}"']],
      ['node', ["46:'make test'"]],
      ['node', ["48:'make it'"]],
      ['node', ["114:'git tag --points-at HEAD'"]],
    ]);
  });

  it('strings: every kind of Groovy string as a step, decoded', () => {
    const [node] = parseFixture('valid/strings').jobs;
    const texts = node!.scripts.map((s) => s.text);
    expect(texts[1]).toBe("echo 'quoted' \\ backslash \t tab é A $HOME");
    expect(texts[2]).toBe('docker build     -t app .');
    expect(texts[3]).toBe('docker run -d --name dind-$BUILD_NUMBER --privileged ${image}');
    expect(texts[9]).toBe('\n    set -eu\n    docker run --privileged --name dind -d docker:27-dind --tls=false\n    echo "$DOCKER_HOST" \'${not.interpolated}\' it\'s \'\'fine\'\'\n  ');
    expect(node!.scripts.map((s) => s.editable)).toEqual([true, false, false, true, false, true, true, true, false, true, false]);
    // Positions inside a step map back to the line they are written on, escapes or not.
    const dockerRun = node!.scripts[9]!;
    expect(positionAt(dockerRun.span.file, dockerRun.sourceOffset(dockerRun.text.indexOf('docker run'))).line).toBe(23);
    const continued = node!.scripts[2]!;
    expect(positionAt(continued.span.file, continued.sourceOffset(continued.text.indexOf('-t'))).line).toBe(10);
  });
});

describe('Kubernetes pod templates', () => {
  it('pod-template-containers: containerTemplate privilege and env, hostPathVolume in every container', () => {
    const p = parseFixture('valid/pod-template-containers');
    const socket = '/var/run/docker.sock -> /var/run/docker.sock @15:hostPath: \'/var/run/docker.sock\'';
    expect(job(named(p, 'container(docker)'))).toEqual({
      name: 'container(docker) @20:container',
      image: {
        image: "docker:27-cli @8:'docker:27-cli'",
        mounts: [socket],
        env: { DOCKER_HOST: `"tcp://localhost:2375" @10:'tcp://localhost:2375'`, REGISTRY_TOKEN: "undefined @11:'REGISTRY_TOKEN'" },
        hostnames: 'localhost,127.0.0.1',
      },
      services: [
        {
          image: "docker:27-dind @6:'docker:27-dind'",
          privileged: '6:privileged: true',
          mounts: [socket],
          env: { DOCKER_TLS_CERTDIR: `"" @7:''` },
          hostnames: 'localhost,127.0.0.1',
        },
      ],
      variables: { DOCKER_HOST: `"tcp://localhost:2375" @10:'tcp://localhost:2375'`, REGISTRY_TOKEN: "undefined @11:'REGISTRY_TOKEN'" },
      scripts: [
        "sh 22:'docker build -t registry.example.com/app:${BUILD_NUMBER} .'",
        "sh 25:'echo $REGISTRY_TOKEN | docker login -u ci --password-stdin registry.example.com'",
        "sh 26:'docker push registry.example.com/app:${BUILD_NUMBER}'",
      ],
    });
    // The pod job itself runs its steps in the implicit jnlp container: every container is a service.
    expect(named(p, 'podTemplate').image).toBeUndefined();
    expect(named(p, 'podTemplate').services).toHaveLength(2);
  });

  it('pod-template-yaml: podTemplate(yaml:) with values at their lines inside the YAML', () => {
    const p = parseFixture('valid/pod-template-yaml');
    expect(job(named(p, 'container(builder)'))).toMatchObject({
      image: { image: 'docker:27-cli @14:docker:27-cli', env: { DOCKER_HOST: '"tcp://localhost:2375" @21:tcp://localhost:2375' } },
      services: [{ image: 'docker:27-dind @7:docker:27-dind', privileged: '9:privileged: true', env: { DOCKER_TLS_CERTDIR: '"" @12:""' } }],
      scripts: ["sh 26:'until docker info; do sleep 1; done'", "sh 27:'docker build -t app:$BUILD_NUMBER .'"],
    });
  });

  it('shared-library: a vars/ step that wraps a pod template', () => {
    const p = parseFixture('valid/shared-library', 'vars/buildImage.groovy');
    expect(p.jobs.map((j) => j.name)).toEqual(['podTemplate', 'container(dind)']);
    expect(container(named(p, 'podTemplate').services[0]!)).toEqual({
      image: "docker:27-dind @13:'docker:27-dind'",
      privileged: '13:privileged: true',
      env: { DOCKER_TLS_CERTDIR: `"" @14:''` },
      hostnames: 'localhost,127.0.0.1',
    });
    // The Jenkinsfile only calls the library step: nothing runs there that cilint can see.
    expect(parseFixture('valid/shared-library').jobs).toEqual([]);
  });

  it('reads YAML from a string with escapes or .stripIndent() apart, still at the Jenkinsfile\'s lines', () => {
    const text = [
      "podTemplate(yaml: '''\\",
      '    spec:',
      '      containers:',
      '      - name: dind',
      '        image: docker:27-dind',
      '        securityContext: {privileged: true}',
      "    '''.stripIndent()) {",
      "  node(POD_LABEL) { sh 'docker info' }",
      '}',
      '',
    ].join('\n');
    const p = parseText(text);
    expect(p.issues).toEqual([]);
    expect(container(p.jobs[0]!.services[0]!)).toEqual({
      image: 'docker:27-dind @5:docker:27-dind',
      privileged: '6:privileged: true',
      hostnames: 'localhost,127.0.0.1',
    });
  });

  it('reads YAML in a CRLF Jenkinsfile in place', () => {
    const text = "pipeline {\r\n  agent {\r\n    kubernetes {\r\n      yaml '''\r\nspec:\r\n  containers:\r\n  - name: dind\r\n    image: docker:dind\r\n    env:\r\n    - name: DOCKER_TLS_CERTDIR\r\n      value: ''\r\n'''\r\n    }\r\n  }\r\n  stages { stage('a') { steps { sh 'make' } } }\r\n}\r\n";
    const p = parseText(text);
    const dind = p.jobs[0]!.services[0]!;
    expect(container(dind)).toEqual({ image: 'docker:dind @8:docker:dind', env: { DOCKER_TLS_CERTDIR: `"" @11:''` }, hostnames: 'localhost,127.0.0.1' });
  });

  it('reads a yamlFile from the repository, and reports one it cannot read', () => {
    const pod = 'spec:\n  containers:\n  - name: dind\n    image: docker:27-dind\n    securityContext:\n      privileged: true\n';
    const text = "pipeline {\n  agent { kubernetes { yamlFile 'ci/pod.yaml' } }\n  stages { stage('a') { steps { sh 'make' } } }\n}\n";
    const p = parseText(text, { 'ci/pod.yaml': pod });
    expect(p.files.map((f) => f.relPath)).toEqual(['Jenkinsfile', 'ci/pod.yaml']);
    const dind = p.jobs[0]!.services[0]!;
    expect([dind.image.span.file.relPath, at(dind.privileged!.span)]).toEqual(['ci/pod.yaml', '6:privileged: true']);
    const missing = parseText(text);
    expect(missing.issues.map((i) => [i.kind, at(i.span)])).toEqual([['include-error', "2:'ci/pod.yaml'"]]);
  });

  it('reports broken pod YAML as a parse error at its line in the Jenkinsfile', () => {
    const text = "podTemplate(yaml: '''\nspec:\n  containers: [oops\n''') {\n  node(POD_LABEL) { sh 'make' }\n}\n";
    const p = parseText(text);
    expect(p.issues.map((i) => [i.kind, positionAt(i.span.file, i.span.start).line])).toEqual([['parse-error', 4]]);
    expect(p.issues[0]!.message).toMatch(/^pod YAML: /);
  });
});

describe('values', () => {
  it('keeps run-time values opaque: a parameter image is a placeholder, an expanded -e value unknown', () => {
    const text = "def build(String img) {\n  docker.image(img).withRun('--privileged -e DOCKER_TLS_CERTDIR=$CERTS') { }\n}\n";
    const [method] = parseText(text).jobs;
    const sidecar = method!.services[0]!;
    expect(sidecar.image.value).toBe('${img}');
    expect(sidecar.variables.get('DOCKER_TLS_CERTDIR')?.value).toBeUndefined();
  });

  it('keeps GString interpolations in values as their text', () => {
    const text = 'pipeline {\n  agent any\n  environment { DOCKER_TLS_CERTDIR = "${certs}" }\n  stages { stage(\'a\') { steps { sh \'make\' } } }\n}\n';
    expect(parseText(text).jobs[0]!.variables.get('DOCKER_TLS_CERTDIR')?.value).toBe('${certs}');
  });

  it('reads concatenations, and env.X assignments in scripted code', () => {
    const text = "def v = '27'\nnode {\n  env.DOCKER_HOST = 'tcp://' + 'docker:2376'\n  docker.image('docker:' + v + '-dind').run('--privileged')\n  sh 'docker info'\n}\n";
    const [node] = parseText(text).jobs;
    expect(node!.services[0]!.image.value).toBe('docker:27-dind');
    expect(node!.variables.get('DOCKER_HOST')?.value).toBe('tcp://docker:2376');
  });

  it('does not read a variable assigned twice as a constant', () => {
    const text = "def image = 'docker:27-dind'\nimage = params.IMAGE\nnode { docker.image(image).run('--privileged') }\n";
    expect(parseText(text).jobs[0]!.services[0]!.image.value).toBe('${image}');
  });

  it('reports the first Groovy syntax error and still reads what it can', () => {
    const p = parseText("node {\n  sh 'docker login -p secret'\n");
    expect(p.issues.map((i) => [i.kind, i.message])).toEqual([['parse-error', "Groovy syntax error: expecting '}' to close the '{' at offset 5, found end of file"]]);
    expect(p.jobs[0]!.scripts.map((s) => s.text)).toEqual(['docker login -p secret']);
  });
});

describe('every fixture', () => {
  const dirs = readdirSync(join(FIXTURES, 'valid'));
  it.each(dirs)('%s: spans of values slice back to what they stand for', (dir) => {
    const p = parseFixture(join('valid', dir));
    for (const j of p.jobs) {
      for (const c of [...(j.image ? [j.image] : []), ...j.services]) {
        if (!c.image.value.includes('${')) expect(spanText(c.image.span)).toContain(c.image.value);
        if (c.privileged) expect(spanText(c.privileged.span)).toMatch(/privileged/);
        for (const m of c.mounts) expect(spanText(m.span)).toContain(m.hostPath);
      }
      for (const v of j.variables.values()) {
        expect(spanText(v.nameSpan)).toBe(v.name);
        if (v.value) expect(spanText(v.span).replace(/\\/g, '')).toContain(v.value.replace(/\\/g, ''));
      }
      for (const s of j.scripts) expect(spanText(s.span).length).toBeGreaterThanOrEqual(s.text.length > 0 ? 2 : 0);
    }
  });
});
