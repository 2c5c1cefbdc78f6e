import { parseShell } from '../../src/docker/shell.js';
test('perf', () => {
  const lines: string[] = [];
  for (let i = 0; i < 10000; i++) lines.push(i % 3 === 0 ? `if [ -n "$X" ]; then sudo docker build -t "img:$i" . && echo $(docker ps); fi` : `sh -c 'docker push img:${i}' | tee log`);
  const src = lines.join('\n');
  const t = Date.now();
  const r = parseShell(src);
  console.log(Date.now() - t, r.commands.length, r.errors.length);
});
