import { parseRunArgs } from '../../src/docker/run-args.js';

const slice = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);

describe('parseRunArgs', () => {
  it('finds --privileged, binds, env and links with offsets into the argument string', () => {
    const text = '--privileged -v /var/run/docker.sock:/var/run/docker.sock -e DOCKER_TLS_CERTDIR= --link ${c.id}:docker';
    const run = parseRunArgs(text);
    expect(slice(text, run.privileged!.word)).toBe('--privileged');
    expect(run.binds.map((b) => [b.hostPath, b.containerPath, slice(text, b.word)])).toEqual([
      ['/var/run/docker.sock', '/var/run/docker.sock', '/var/run/docker.sock:/var/run/docker.sock'],
    ]);
    expect(run.env.map((e) => [e.name, e.value, slice(text, e.nameRange), slice(text, e.word)])).toEqual([
      ['DOCKER_TLS_CERTDIR', '', 'DOCKER_TLS_CERTDIR', 'DOCKER_TLS_CERTDIR='],
    ]);
    expect(run.links.map((l) => [l.target.text, slice(text, l.target), l.alias])).toEqual([['${c.id}', '${c.id}', 'docker']]);
  });

  it('reads options the way docker run does: the last --privileged wins, = values, clusters', () => {
    expect(parseRunArgs('--privileged --privileged=false').privileged).toBeUndefined();
    expect(parseRunArgs('--privileged=true').privileged).toBeDefined();
    expect(parseRunArgs('-it -e=A=1 --env B=2').env.map((e) => [e.name, e.value])).toEqual([
      ['A', '1'],
      ['B', '2'],
    ]);
  });

  it('takes only host paths as binds: named volumes and anonymous ones are not', () => {
    const run = parseRunArgs('-v certs:/certs -v /cache --volume=/usr/bin/docker:/usr/bin/docker:ro');
    expect(run.binds.map((b) => b.hostPath)).toEqual(['/usr/bin/docker']);
  });

  it('reads --mount binds only (the default type is a volume)', () => {
    const run = parseRunArgs(
      '--mount type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock --mount source=data,target=/data --mount type=bind,src=/a,dst=/b',
    );
    expect(run.binds.map((b) => [b.hostPath, b.containerPath])).toEqual([
      ['/var/run/docker.sock', '/var/run/docker.sock'],
      ['/a', '/b'],
    ]);
  });

  it('reads quoted words, and arguments across lines', () => {
    const text = `-e "DOCKER_HOST=tcp://docker:2376"\n  --network ci --name dind --network-alias docker`;
    const run = parseRunArgs(text);
    expect(run.env.map((e) => [e.name, e.value, slice(text, e.nameRange)])).toEqual([['DOCKER_HOST', 'tcp://docker:2376', 'DOCKER_HOST']]);
    expect(run.network?.value).toBe('ci');
    expect(run.names).toEqual(['dind', 'docker']);
  });

  it('skips words only known at run time instead of stopping at them', () => {
    const run = parseRunArgs('${extraArgs} -v /var/run/docker.sock:/var/run/docker.sock $MORE --privileged');
    expect(run.binds.map((b) => b.hostPath)).toEqual(['/var/run/docker.sock']);
    expect(run.privileged).toBeDefined();
  });

  it('passes on the caller\'s value for -e NAME, and leaves values with expansions unknown', () => {
    const run = parseRunArgs('-e DOCKER_HOST -e TAG=$BUILD_NUMBER');
    expect(run.env.map((e) => [e.name, e.value])).toEqual([
      ['DOCKER_HOST', undefined],
      ['TAG', undefined],
    ]);
  });
});
