import { makeSourceFile, positionAt } from '../../src/model/source.js';

describe('positionAt', () => {
  it('maps offsets to 1-based lines and columns across LF, CRLF and CR', () => {
    const f = makeSourceFile('/x', 'x', 'ab\ncd\r\nef\rgh');
    expect(positionAt(f, 0)).toEqual({ line: 1, column: 1 });
    expect(positionAt(f, 4)).toEqual({ line: 2, column: 2 });
    expect(positionAt(f, 7)).toEqual({ line: 3, column: 1 });
    expect(positionAt(f, 10)).toEqual({ line: 4, column: 1 });
  });

  it('strips a BOM so offsets index the text without it', () => {
    const f = makeSourceFile('/x', 'x', '\ufeffa: 1\n');
    expect(f.hasBom).toBe(true);
    expect(f.text).toBe('a: 1\n');
    expect(positionAt(f, 0)).toEqual({ line: 1, column: 1 });
  });
});
