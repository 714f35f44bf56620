import { matterKey } from './matter';

describe('repeat complaints: the same matter', () => {
  it('ignores case, punctuation, spacing and ё/е', () => {
    expect(matterKey('Отказ в приёме документов!')).toBe(matterKey('  отказ в приеме   документов '));
  });
  it('tells different matters apart, in Kazakh too', () => {
    expect(matterKey('Құжаттарды қабылдаудан бас тарту')).not.toBe(matterKey('Отказ в приёме документов'));
    expect(matterKey('Құжаттарды қабылдаудан бас тарту.')).toBe(matterKey('құжаттарды қабылдаудан бас тарту'));
  });
});
