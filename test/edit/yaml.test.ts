import fc from 'fast-check';
import {
  addMapEntry,
  blankLineBefore,
  configRoot,
  FlowSeq,
  inlineScalar,
  layoutOf,
  patchMapEntries,
  patchSeqItems,
  replaceEntryValue,
  topLevelEntryAt,
  valueAfterKey,
} from '../../src/edit/yaml.js';
import { applyEdits } from '../../src/engine/fix.js';
import { MEMORY_ROOT, MemoryHost } from '../../src/engine/memory-host.js';
import { forgetGroupFacts } from '../../src/model/memo.js';
import { parseGitlabPipeline } from '../../src/parsers/gitlab/index.js';
import { writtenConfig } from '../../src/parsers/gitlab/include.js';
import type { Edit } from '../../src/engine/rule.js';
import { makeSourceFile } from '../../src/model/source.js';
import { getEntry, type TMap, type TSeq } from '../../src/model/tree.js';

function file(text: string) {
  return makeSourceFile('/x/.gitlab-ci.yml', '.gitlab-ci.yml', text);
}

function job(text: string) {
  const f = file(text);
  const root = configRoot(f)!;
  return { f, job: root.entries[0].value as TMap, layout: layoutOf(f) };
}

const apply = (text: string, edits: readonly Edit[] | undefined) => applyEdits(text, edits ?? []);

describe('writing YAML values', () => {
  it('writes a string plain only when YAML 1.1 reads it back unchanged', () => {
    expect(inlineScalar('docker build -t "$IMAGE" .')).toBe('docker build -t "$IMAGE" .');
    expect(inlineScalar('--oci-worker-no-process-sandbox')).toBe('--oci-worker-no-process-sandbox');
    expect(inlineScalar('yes')).toBe("'yes'");
    expect(inlineScalar('1.0')).toBe("'1.0'");
    expect(inlineScalar('echo a: b')).toBe("'echo a: b'");
    expect(inlineScalar('echo # not a comment')).toBe("'echo # not a comment'");
    expect(inlineScalar("it's")).toBe("it's");
    expect(inlineScalar("'quoted'")).toBe("'''quoted'''");
    expect(inlineScalar('')).toBe("''");
  });

  it('writes nested values for the file layout: block maps, lists, flow lists, literal blocks', () => {
    const layout = { step: 2, seqIndent: 2 };
    expect(valueAfterKey({ name: 'img:1', entrypoint: new FlowSeq(['']) }, 2, layout)).toBe('\n    name: img:1\n    entrypoint: [""]');
    expect(valueAfterKey(['a', 'b\nc\n'], 2, layout)).toBe('\n    - a\n    - |\n      b\n      c');
    expect(valueAfterKey(['x\\\n  y'], 2, layout)).toBe('\n    - |-\n      x\\\n        y');
    expect(valueAfterKey([], 2, layout)).toBe(' []');
    expect(valueAfterKey(['a'], 0, { step: 4, seqIndent: 0 })).toBe('\n- a');
  });

  it('reads a file layout: its indentation step and whether lists are indented under their key', () => {
    expect(layoutOf(file('a:\n    b:\n        - x\n'))).toEqual({ step: 4, seqIndent: 4 });
    expect(layoutOf(file('a:\n  b:\n  - x\n'))).toEqual({ step: 2, seqIndent: 0 });
  });
});

describe('editing mappings and sequences in place', () => {
  it('removes entries as whole lines and adds entries after the last one that stays', () => {
    const text = 'build:\n  image: docker:27 # the client\n  variables:\n    A: 1\n  services:\n    - docker:27-dind\n  script: [make]\n';
    const { f, job: m, layout } = job(text);
    const out = apply(text, patchMapEntries(f, m, new Set(['services']), [['tags', ['linux']]], layout));
    expect(out).toBe('build:\n  image: docker:27 # the client\n  variables:\n    A: 1\n  script: [make]\n  tags:\n    - linux\n');
  });

  it('rewrites a flow mapping from the entries that stay', () => {
    const text = 'build:\n  variables: {DOCKER_HOST: "tcp://docker:2376", A: 1}\n';
    const { f, job: m, layout } = job(text);
    const vars = getEntry(m, 'variables')!.value as TMap;
    expect(apply(text, patchMapEntries(f, vars, new Set(['DOCKER_HOST']), [['B', 'vfs']], layout))).toBe('build:\n  variables: {A: 1, B: vfs}\n');
  });

  it('replaces a value, keeping the comment after it', () => {
    const text = 'build:\n  image: docker:27 # pinned\n  script: x\n';
    const { f, job: m, layout } = job(text);
    expect(apply(text, [replaceEntryValue(f, getEntry(m, 'image')!, { name: 'k', entrypoint: new FlowSeq(['']) }, layout)!])).toBe(
      'build:\n  image: # pinned\n    name: k\n    entrypoint: [""]\n  script: x\n',
    );
    expect(apply(text, [replaceEntryValue(f, getEntry(m, 'image')!, 'quay.io/buildah/stable:v1', layout)!])).toBe(
      'build:\n  image: quay.io/buildah/stable:v1 # pinned\n  script: x\n',
    );
  });

  it('refuses to replace a value that carries an anchor', () => {
    const text = 'build:\n  services: &svc\n    - docker:dind\n  script: x\n';
    const { f, job: m, layout } = job(text);
    expect(replaceEntryValue(f, getEntry(m, 'services')!, [], layout)).toBeUndefined();
  });

  it('adds entries after an anchored value, not inside it', () => {
    for (const end of ['\n', '']) {
      const text = `.dind:\n  services:\n    - docker:27-dind\n  variables: &v\n    FOO: x${end}`;
      const { f, job: m, layout } = job(text);
      expect(apply(text, patchMapEntries(f, m, new Set(['services']), [['image', 'k']], layout))).toBe(
        `.dind:\n  variables: &v\n    FOO: x\n  image: k${end}`,
      );
    }
  });

  it('removes an anchored entry with all its lines', () => {
    const text = '.dind:\n  variables: &v\n    FOO: x\n    BAR: y\n  image: docker:27\n';
    const { f, job: m, layout } = job(text);
    expect(apply(text, patchMapEntries(f, m, new Set(['variables']), [], layout))).toBe('.dind:\n  image: docker:27\n');
  });

  it('replaces a value written with a tag (a !reference), tag and all', () => {
    const text = 'build:\n  services: !reference [.dind, services]  # shared\n  script: x\n';
    const { f, job: m, layout } = job(text);
    expect(apply(text, [replaceEntryValue(f, getEntry(m, 'services')!, [], layout)!])).toBe('build:\n  services: []  # shared\n  script: x\n');
  });

  it('adds a mapping entry, never a second one under a key already there', () => {
    const text = 'build:\n  variables:\n    A: "1"\n  script: x\n';
    const { f } = job(text);
    const owner = configRoot(f)!.entries[0];
    expect(apply(text, [addMapEntry(f, owner, 'variables', 'B', '"2"')!])).toBe('build:\n  variables:\n    A: "1"\n    B: "2"\n  script: x\n');
    expect(addMapEntry(f, owner, 'variables', 'A', '"2"')).toBeUndefined();
  });

  it('replaces sequence items by none or several, keeping comments of the others', () => {
    const text = 'build:\n  script:\n    # log in\n    - docker login x\n    - docker push x  # push\n    - echo done\n';
    const { f, job: m, layout } = job(text);
    const seq = getEntry(m, 'script')!.value as TSeq;
    const out = apply(text, patchSeqItems(f, seq, new Map([[0, ['a', 'b']], [1, []]]), layout));
    expect(out).toBe('build:\n  script:\n    # log in\n    - a\n    - b\n    - echo done\n');
  });

  it('rewrites a flow sequence from its remaining items', () => {
    const text = 'build:\n  services: [postgres:16, docker:27-dind]\n';
    const { f, job: m, layout } = job(text);
    const seq = getEntry(m, 'services')!.value as TSeq;
    expect(apply(text, patchSeqItems(f, seq, new Map([[1, []]]), layout))).toBe('build:\n  services: [postgres:16]\n');
  });
});

describe('blankLineBefore', () => {
  it('says what /\\n[ \\t]*\\r?\\n$/ says of the text before the offset', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('\n', '\r', ' ', '\t', 'a', '#') }), fc.nat(), (text, n) => {
        const offset = n % (text.length + 1);
        expect(blankLineBefore(text, offset)).toBe(/\n[ \t]*\r?\n$/.test(text.slice(0, offset)));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('configRoot', () => {
  it('is the tree the pipeline parser read for the group, and is read afresh once the group is forgotten', () => {
    const host = new MemoryHost({ '.gitlab-ci.yml': 'include: ci.yml\nbuild:\n  script: echo\n', 'ci.yml': 'test:\n  script: echo\n' }, MEMORY_ROOT);
    const p = parseGitlabPipeline('.gitlab-ci.yml', host);
    const included = p.files.find((f) => f.relPath === 'ci.yml')!;
    expect(writtenConfig(included)).toBeDefined();
    expect(configRoot(included)).toBe(writtenConfig(included));
    forgetGroupFacts();
    expect(writtenConfig(included)).toBeUndefined();
    const reread = configRoot(included)!;
    expect(reread.entries.map((e) => [e.key, e.keySpan.start])).toEqual([['test', 0]]);
  });
});

describe('topLevelEntryAt', () => {
  const linear = (root: TMap, offset: number) =>
    root.entries.find((e) => e.keySpan.start <= offset && offset <= Math.max(e.value.span.end, e.keySpan.end));

  it('finds, at every offset of the file, the entry a search from the first entry finds', () => {
    const key = fc.constantFrom('build', 'test', '.tpl', 'default', 'variables', 'x');
    const value = fc.constantFrom(' echo', '\n  script: [a, b]', '\n  - a\n  - b', ' {a: 1}', ' &a\n  k: v', '', ' # c');
    const gap = fc.constantFrom('', '\n', '# comment\n', '\n\n  # indented\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value, gap), { minLength: 1, maxLength: 8 }), (parts) => {
        const seen = new Set<string>();
        const text = parts
          .filter(([k]) => !seen.has(k) && seen.add(k))
          .map(([k, v, g]) => `${k}:${v}\n${g}`)
          .join('');
        forgetGroupFacts();
        const root = configRoot(file(text));
        if (!root) return;
        for (let offset = 0; offset <= text.length; offset++) expect(topLevelEntryAt(root, offset)).toBe(linear(root, offset));
      }),
      { numRuns: 300 },
    );
  });

  it('searches in the map order when a merged entry stands where its anchor is', () => {
    const text = '.base: &b\n  image: x\n<<: *b\njob:\n  script: echo\n';
    forgetGroupFacts();
    const root = configRoot(file(text))!;
    for (let offset = 0; offset <= text.length; offset++) expect(topLevelEntryAt(root, offset)).toBe(linear(root, offset));
    expect(topLevelEntryAt(root, text.indexOf('image'))?.key).toBe(linear(root, text.indexOf('image'))?.key);
  });
});
