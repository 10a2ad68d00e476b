import { describe, expect, it } from 'vitest';
import { formatTable, formatTags } from './format-table.js';

describe('formatTable', () => {
  it('aligns columns to their widest cell', () => {
    expect(formatTable(['name', 'id'], [['web', 'app-1'], ['a-longer-name', 'app-2']])).toBe(
      ['NAME           ID', 'web            app-1', 'a-longer-name  app-2'].join('\n'),
    );
  });

  it('prints only the headers when there are no rows', () => {
    expect(formatTable(['name', 'id'], [])).toBe('NAME  ID');
  });
});

describe('formatTags', () => {
  it('joins pairs and shows keys without values alone', () => {
    expect(formatTags({ env: 'prod', canary: '' })).toBe('env=prod,canary');
    expect(formatTags({})).toBe('-');
  });
});
