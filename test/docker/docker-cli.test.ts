import {
  dockerdListensInsecureTcp,
  findDockerInvocations,
  flagValue,
  optionsNamed,
  parseDockerInvocation,
} from '../../src/docker/docker-cli.js';
import type { CliOption, DockerInvocation } from '../../src/docker/docker-cli.js';
import { parseShell } from '../../src/docker/shell.js';

function invocations(text: string): DockerInvocation[] {
  return findDockerInvocations(parseShell(text));
}

function only(text: string): DockerInvocation {
  const found = invocations(text);
  expect(found).toHaveLength(1);
  return found[0];
}

/** `name(canonical)=value` with the value's text, for compact expectations. */
function describeOption(option: CliOption): string {
  return `${option.name}(${option.canonical})${option.value ? `=${option.value.text}` : ''}`;
}

function summary(inv: DockerInvocation): { program: string; subcommand: string[]; global: string[]; options: string[]; positionals: string[] } {
  return {
    program: inv.program,
    subcommand: inv.subcommand,
    global: inv.globalOptions.map(describeOption),
    options: inv.options.map(describeOption),
    positionals: inv.positionals.map((p) => p.text),
  };
}

describe('parseDockerInvocation: which commands', () => {
  it.each([
    ['docker ps', 'docker'],
    ['/usr/bin/docker ps', 'docker'],
    ['/usr/local/bin/dockerd', 'dockerd'],
    ['podman build .', 'podman'],
    ['buildah bud .', 'buildah'],
    ['docker.exe info', 'docker'],
    ['dockerd-entrypoint.sh', 'dockerd'],
    ['dockerd-entrypoint.sh --tls=false', 'dockerd'],
    ['dockerd-entrypoint.sh dockerd -H tcp://0.0.0.0:2375', 'dockerd'],
    ['/usr/local/bin/dockerd-rootless.sh --experimental', 'dockerd'],
  ])('%s → %s', (text, program) => {
    expect(only(text).program).toBe(program);
  });

  it.each([['docker-compose up'], ['echo docker build .'], ['dockerd-entrypoint.sh sh -c true'], ['$DOCKER build .'], ['X=1'], ['kaniko']])(
    'ignores %s',
    (text) => {
      for (const command of parseShell(text).commands.filter((c) => c.name?.text !== 'sh')) {
        expect(parseDockerInvocation(command)).toBeUndefined();
      }
    },
  );

  it('finds invocations wherever the shell runs them', () => {
    const text = [
      'sudo docker login -u u -p secret reg',
      "sh -c 'docker push img'",
      'if true; then',
      '  ID=$(docker create img)',
      'fi',
      'echo "$P" | docker login --password-stdin reg && docker build . &',
    ].join('\n');
    expect(invocations(text).map((i) => [i.subcommand.join(' '), i.command.background])).toEqual([
      ['login', false],
      ['push', false],
      ['create', false],
      ['login', true],
      ['build', true],
    ]);
  });
});

describe('parseDockerInvocation: docker build', () => {
  it.each([
    [
      'docker build -t img:1 -f Dockerfile --build-arg A=1 --no-cache .',
      ['-t(tag)=img:1', '-f(file)=Dockerfile', '--build-arg(build-arg)=A=1', '--no-cache(no-cache)'],
      ['.'],
    ],
    ['docker build . -t img --push', ['-t(tag)=img', '--push(push)'], ['.']],
    ['docker build --tag=img:1 --file="Dockerfile" .', ['--tag(tag)=img:1', '--file(file)="Dockerfile"'], ['.']],
    ['docker build -timg -fDocker.file .', ['-t(tag)=img', '-f(file)=Docker.file'], ['.']],
    ['docker build -t=img .', ['-t(tag)=img'], ['.']],
    ['docker build -qt img .', ['-q(quiet)', '-t(tag)=img'], ['.']],
    ['docker build --pull --rm --force-rm -q --load .', ['--pull(pull)', '--rm(rm)', '--force-rm(force-rm)', '-q(quiet)', '--load(load)'], ['.']],
    [
      'docker build --target prod --label a=b --platform linux/amd64 --cache-from img --cache-to type=inline .',
      ['--target(target)=prod', '--label(label)=a=b', '--platform(platform)=linux/amd64', '--cache-from(cache-from)=img', '--cache-to(cache-to)=type=inline'],
      ['.'],
    ],
    [
      'docker build --secret id=x,src=f --ssh default --network host --iidfile id -o type=local,dest=out --progress plain .',
      ['--secret(secret)=id=x,src=f', '--ssh(ssh)=default', '--network(network)=host', '--iidfile(iidfile)=id', '-o(output)=type=local,dest=out', '--progress(progress)=plain'],
      ['.'],
    ],
    ['docker build --unknown-flag . --unknown=v', ['--unknown-flag(unknown-flag)', '--unknown(unknown)=v'], ['.']],
    ['docker build -- -t', [], ['-t']],
    ['docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" .', ['-t(tag)="$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"'], ['.']],
    ['docker build --tag=$IMAGE .', ['--tag(tag)=$IMAGE'], ['.']],
    ['docker build "--tag=$IMAGE" .', ['--tag(tag)=$IMAGE'], ['.']],
    ['docker build -t"$IMAGE" .', ['-t(tag)="$IMAGE"'], ['.']],
    ['docker build -t', ['-t(tag)'], []],
  ])('%s', (text, options, positionals) => {
    const inv = only(text);
    expect(inv.subcommand).toEqual(['build']);
    expect(inv.options.map(describeOption)).toEqual(options);
    expect(inv.positionals.map((p) => p.text)).toEqual(positionals);
  });

  it.each([
    ['docker buildx build --builder b -t img --push .', ['buildx', 'build'], ['--builder(builder)=b', '-t(tag)=img', '--push(push)']],
    ['docker buildx --builder b build -t img .', ['buildx', 'build'], ['--builder(builder)=b', '-t(tag)=img']],
    ['docker buildx b -t img .', ['buildx', 'b'], ['-t(tag)=img']],
    ['docker image build -t img .', ['image', 'build'], ['-t(tag)=img']],
    ['docker builder build -t img .', ['builder', 'build'], ['-t(tag)=img']],
    ['podman build -t img --tls-verify=false .', ['build'], ['-t(tag)=img', '--tls-verify(tls-verify)=false']],
    ['buildah bud -t img -f Containerfile .', ['bud'], ['-t(tag)=img', '-f(file)=Containerfile']],
    ['buildah build --layers -t img .', ['build'], ['--layers(layers)', '-t(tag)=img']],
  ])('%s', (text, subcommand, options) => {
    const inv = only(text);
    expect(inv.subcommand).toEqual(subcommand);
    expect(inv.options.map(describeOption)).toEqual(options);
    expect(inv.positionals.map((p) => p.text)).toEqual(['.']);
  });

  it('gives the value of --x=v forms a word covering only the value', () => {
    const text = 'docker build --tag=img:1 "--file=a b" .';
    const [tag, file] = only(text).options;
    expect(tag.value).toEqual({ text: 'img:1', value: 'img:1', start: 19, end: 24 });
    expect(tag.word.text).toBe('--tag=img:1');
    expect(text.slice(file.value?.start, file.value?.end)).toBe('a b');
    expect(file.value?.value).toBe('a b');
  });
});

describe('parseDockerInvocation: global options', () => {
  it.each([
    ['docker -H tcp://docker:2375 info', ['-H(host)=tcp://docker:2375'], ['info']],
    ['docker --host=tcp://docker:2376 --tlsverify --tlscacert ca.pem --tlscert c.pem --tlskey k.pem ps', ['--host(host)=tcp://docker:2376', '--tlsverify(tlsverify)', '--tlscacert(tlscacert)=ca.pem', '--tlscert(tlscert)=c.pem', '--tlskey(tlskey)=k.pem'], ['ps']],
    ['docker --tls -D --config /cfg -c ctx -l debug ps', ['--tls(tls)', '-D(debug)', '--config(config)=/cfg', '-c(context)=ctx', '-l(log-level)=debug'], ['ps']],
    ['docker --context=remote image push img', ['--context(context)=remote'], ['image', 'push']],
    ['docker $DOCKER_OPTS build .', [], ['build']],
    ['docker -H "$DOCKER_HOST" ps', ['-H(host)="$DOCKER_HOST"'], ['ps']],
    ['docker', [], []],
    ['podman --remote --url ssh://host build .', ['--remote(remote)', '--url(url)=ssh://host'], ['build']],
    ['buildah --storage-driver vfs bud .', ['--storage-driver(storage-driver)=vfs'], ['bud']],
  ])('%s', (text, global, subcommand) => {
    const inv = only(text);
    expect(inv.globalOptions.map(describeOption)).toEqual(global);
    expect(inv.subcommand).toEqual(subcommand);
  });

  it('keeps global options apart from the subcommand options', () => {
    expect(summary(only('docker -H tcp://x:2375 run -H y img'))).toEqual({
      program: 'docker',
      subcommand: ['run'],
      global: ['-H(host)=tcp://x:2375'],
      // run has no -H: an unknown short option is read as a flag, so `y` is the image.
      options: ['-H(H)'],
      positionals: ['y', 'img'],
    });
  });
});

describe('parseDockerInvocation: login', () => {
  it.each([
    ['docker login -u user -p secret reg', ['-u(username)=user', '-p(password)=secret'], ['reg']],
    ['docker login --username=user --password=secret reg', ['--username(username)=user', '--password(password)=secret'], ['reg']],
    ['docker login -uuser -pSECRET reg', ['-u(username)=user', '-p(password)=SECRET'], ['reg']],
    ['docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY', ['-u(username)="$CI_REGISTRY_USER"', '-p(password)="$CI_REGISTRY_PASSWORD"'], ['$CI_REGISTRY']],
    ['docker login -u u --password-stdin reg', ['-u(username)=u', '--password-stdin(password-stdin)'], ['reg']],
    ['podman login -u u -p x --tls-verify=false reg', ['-u(username)=u', '-p(password)=x', '--tls-verify(tls-verify)=false'], ['reg']],
    ['buildah login --authfile a.json -p x reg', ['--authfile(authfile)=a.json', '-p(password)=x'], ['reg']],
  ])('%s', (text, options, positionals) => {
    const inv = only(text);
    expect(inv.subcommand).toEqual(['login']);
    expect(inv.options.map(describeOption)).toEqual(options);
    expect(inv.positionals.map((p) => p.text)).toEqual(positionals);
  });

  it('finds a password inside sh -c and sudo', () => {
    for (const text of ["sh -c 'docker login -p x reg'", 'sudo docker login -p x reg', 'bash -c "docker login -p \\"$P\\" reg"']) {
      const password = only(text).options.find((o) => o.canonical === 'password');
      expect(password?.name).toBe('-p');
    }
  });

  it('places an attached password value exactly', () => {
    const text = 'docker login -pSECRET reg';
    const password = only(text).options[0];
    expect(password.word.text).toBe('-pSECRET');
    expect(text.slice(password.value?.start, password.value?.end)).toBe('SECRET');
  });
});

describe('parseDockerInvocation: run and exec', () => {
  it('parses options up to the image and leaves the container command alone', () => {
    expect(summary(only('docker run -it --rm --privileged -v /var/run/docker.sock:/var/run/docker.sock -e A=1 --name x img sh -c "ls -la"'))).toEqual({
      program: 'docker',
      subcommand: ['run'],
      global: [],
      options: [
        '-i(interactive)',
        '-t(tty)',
        '--rm(rm)',
        '--privileged(privileged)',
        '-v(volume)=/var/run/docker.sock:/var/run/docker.sock',
        '-e(env)=A=1',
        '--name(name)=x',
      ],
      positionals: ['img', 'sh', '-c', '"ls -la"'],
    });
  });

  it.each([
    ['docker run -d -p 8080:80 --network host img', ['-d(detach)', '-p(publish)=8080:80', '--network(network)=host']],
    ['docker run -p8080:80 img', ['-p(publish)=8080:80']],
    ['docker run -dit img', ['-d(detach)', '-i(interactive)', '-t(tty)']],
    ['docker run --mount type=bind,src=/a,dst=/b -w /b -u 1000 --entrypoint sh img', ['--mount(mount)=type=bind,src=/a,dst=/b', '-w(workdir)=/b', '-u(user)=1000', '--entrypoint(entrypoint)=sh']],
    ['docker run --cap-add SYS_ADMIN --security-opt seccomp=unconfined --device /dev/fuse img', ['--cap-add(cap-add)=SYS_ADMIN', '--security-opt(security-opt)=seccomp=unconfined', '--device(device)=/dev/fuse']],
    ['docker run -h box --add-host docker:10.0.0.1 --link db:db --env-file .env img', ['-h(hostname)=box', '--add-host(add-host)=docker:10.0.0.1', '--link(link)=db:db', '--env-file(env-file)=.env']],
    ['docker container run --rm img', ['--rm(rm)']],
    ['podman run --privileged img', ['--privileged(privileged)']],
  ])('%s', (text, options) => {
    const inv = only(text);
    expect(inv.options.map(describeOption)).toEqual(options);
    expect(inv.positionals.map((p) => p.text)).toEqual(['img']);
  });

  it('stops at the container name for exec', () => {
    expect(summary(only('docker exec -it -u root ctr docker ps -a'))).toMatchObject({
      subcommand: ['exec'],
      options: ['-i(interactive)', '-t(tty)', '-u(user)=root'],
      positionals: ['ctr', 'docker', 'ps', '-a'],
    });
  });
});

describe('parseDockerInvocation: tag, push, pull and other subcommands', () => {
  it.each([
    ['docker tag img:1 reg/img:1', ['tag'], [], ['img:1', 'reg/img:1']],
    ['docker push -a --quiet reg/img', ['push'], ['-a(all-tags)', '--quiet(quiet)'], ['reg/img']],
    ['docker image push reg/img:1', ['image', 'push'], [], ['reg/img:1']],
    ['docker pull -q --platform linux/arm64 img', ['pull'], ['-q(quiet)', '--platform(platform)=linux/arm64'], ['img']],
    ['docker image pull --all-tags img', ['image', 'pull'], ['--all-tags(all-tags)'], ['img']],
    ['podman push --tls-verify=false --creds u:p img', ['push'], ['--tls-verify(tls-verify)=false', '--creds(creds)=u:p'], ['img']],
    ['docker compose -f ci.yml -p proj up -d', ['compose', 'up'], ['-f(file)=ci.yml', '-p(project-name)=proj', '-d(d)'], []],
    ['docker context create remote --docker host=ssh://x', ['context', 'create'], ['--docker(docker)'], ['remote', 'host=ssh://x']],
    ['docker info', ['info'], [], []],
  ])('%s', (text, subcommand, options, positionals) => {
    const inv = only(text);
    expect(inv.subcommand).toEqual(subcommand);
    expect(inv.options.map(describeOption)).toEqual(options);
    expect(inv.positionals.map((p) => p.text)).toEqual(positionals);
  });
});

describe('parseDockerInvocation: dockerd', () => {
  it('puts all daemon flags in options', () => {
    expect(
      summary(only('dockerd -H tcp://0.0.0.0:2376 --tlsverify --tlscacert ca --tlscert c --tlskey k --data-root /d --storage-driver vfs --mtu 1400 --registry-mirror https://m --insecure-registry r:5000 --bip 10.0.0.1/16 --tls')),
    ).toEqual({
      program: 'dockerd',
      subcommand: [],
      global: [],
      options: [
        '-H(host)=tcp://0.0.0.0:2376',
        '--tlsverify(tlsverify)',
        '--tlscacert(tlscacert)=ca',
        '--tlscert(tlscert)=c',
        '--tlskey(tlskey)=k',
        '--data-root(data-root)=/d',
        '--storage-driver(storage-driver)=vfs',
        '--mtu(mtu)=1400',
        '--registry-mirror(registry-mirror)=https://m',
        '--insecure-registry(insecure-registry)=r:5000',
        '--bip(bip)=10.0.0.1/16',
        '--tls(tls)',
      ],
      positionals: [],
    });
  });

  it('reads --tlsverify=false as the flag with value false', () => {
    const [verify] = only('dockerd --tlsverify=false').options;
    expect(describeOption(verify)).toBe('--tlsverify(tlsverify)=false');
    expect(flagValue(verify)).toBe(false);
  });

  it('skips the dockerd word given to the entrypoint', () => {
    expect(summary(only('dockerd-entrypoint.sh dockerd --host=tcp://0.0.0.0:2375'))).toMatchObject({
      program: 'dockerd',
      options: ['--host(host)=tcp://0.0.0.0:2375'],
      positionals: [],
    });
  });
});

describe('flagValue', () => {
  it.each([
    ['--tls', true],
    ['--tls=true', true],
    ['--tls=1', true],
    ['--tls=t', true],
    ['--tls=false', false],
    ['--tls=0', false],
    ['--tls=F', false],
    ['--tls=$X', undefined],
    ['--tls=maybe', undefined],
  ])('%s → %s', (flag, expected) => {
    expect(flagValue(only(`dockerd ${flag}`).options[0])).toBe(expected);
  });
});

describe('optionsNamed', () => {
  it('finds options by canonical name, global ones first', () => {
    const inv = only('docker --tls build --tag a -t b .');
    expect(optionsNamed(inv, 'tag').map((o) => o.value?.text)).toEqual(['a', 'b']);
    expect(optionsNamed(inv, 'tls').map((o) => o.name)).toEqual(['--tls']);
  });
});

describe('dockerdListensInsecureTcp', () => {
  it.each([
    ['dockerd -H tcp://0.0.0.0:2375', '-H'],
    ['dockerd --host=tcp://0.0.0.0:2375 &', '--host'],
    ['dockerd -H unix:///var/run/docker.sock -H tcp://0.0.0.0:2375', '-H'],
    ['dockerd --tls -H tcp://0.0.0.0:2376', '-H'],
    ['dockerd --tlsverify=false -H tcp://0.0.0.0:2376', '-H'],
    ['dockerd --tlsverify=0 -H tcp://0.0.0.0:2376', '-H'],
    ['dockerd -H 0.0.0.0:2375', '-H'],
    ['dockerd -H tcp://$IP:2375', '-H'],
    ['dockerd-entrypoint.sh --host=tcp://0.0.0.0:2375', '--host'],
    ['sudo dockerd -H tcp://0.0.0.0:2375', '-H'],
    ["nohup sh -c 'dockerd -H tcp://0.0.0.0:2375' &", '-H'],
    ['DOCKER_TLS_VERIFY= dockerd -H tcp://0.0.0.0:2375', '-H'],
  ])('flags %s', (text, name) => {
    const found = invocations(text).map(dockerdListensInsecureTcp).filter((o) => o !== undefined);
    expect(found.map((o) => o?.name)).toEqual([name]);
  });

  it('returns the option whose value is the tcp address', () => {
    const text = 'dockerd -H unix:///var/run/docker.sock --host=tcp://0.0.0.0:2375';
    const option = dockerdListensInsecureTcp(only(text));
    expect(option?.value?.text).toBe('tcp://0.0.0.0:2375');
    expect(text.slice(option?.value?.start, option?.value?.end)).toBe('tcp://0.0.0.0:2375');
  });

  it.each([
    ['dockerd --tlsverify -H tcp://0.0.0.0:2376'],
    ['dockerd -H tcp://0.0.0.0:2376 --tlsverify --tlscacert ca --tlscert c --tlskey k'],
    ['dockerd --tlsverify=true -H tcp://0.0.0.0:2376'],
    ['dockerd --tlsverify=$VERIFY -H tcp://0.0.0.0:2376'],
    ['DOCKER_TLS_VERIFY=1 dockerd -H tcp://0.0.0.0:2376'],
    ['dockerd -H unix:///var/run/docker.sock'],
    ['dockerd -H fd://'],
    ['dockerd -H "$DOCKER_LISTEN"'],
    ['dockerd'],
    ['docker -H tcp://docker:2375 info'],
    ['dockerd-entrypoint.sh sh -c true'],
  ])('accepts %s', (text) => {
    expect(invocations(text).map(dockerdListensInsecureTcp).filter((o) => o !== undefined)).toEqual([]);
  });
});
