import { renderDescription, renderTitle, sortTimeline, type TimelineEntry } from './timeline';

const entry = (type: TimelineEntry['type'], occurredAt: string, params: TimelineEntry['params'] = {}): TimelineEntry => ({
  id: `${type}-${occurredAt}`,
  complaintId: 'c-1',
  type,
  occurredAt,
  params,
});

describe('timeline (R11)', () => {
  it('renders every step in Russian, Kazakh and English', () => {
    const registered = entry('complaint.registered', '2026-11-30T05:00:00.000Z', { number: 'PSCAKT-2026-00001', date: '2026-11-30' });
    expect(renderTitle(registered, 'ru')).toBe('Жалоба зарегистрирована');
    expect(renderTitle(registered, 'kk')).toBe('Шағым тіркелді');
    expect(renderTitle(registered, 'en')).toBe('Complaint registered');
    expect(renderDescription(registered, 'ru')).toBe('Входящий № PSCAKT-2026-00001 от 30.11.2026');
    expect(renderDescription(registered, 'en')).toBe('Incoming No. PSCAKT-2026-00001 of 30.11.2026');
    const due = entry('deadline.set', '2026-11-30T05:00:01.000Z', { dueOn: '2026-12-07', days: 5 });
    expect(renderDescription(due, 'kk')).toBe('Жауап 07.12.2026 қоса алғанға дейін беріледі (5 жұмыс күні)');
  });

  it('orders entries by when they happened, not by arrival, with lifecycle order for ties', () => {
    const t = '2026-11-30T05:00:00.000Z';
    const sorted = sortTimeline([
      entry('deadline.set', t),
      entry('complaint.assigned', t),
      entry('complaint.submitted', '2026-11-30T04:59:59.000Z'),
      entry('complaint.registered', t),
    ]);
    expect(sorted.map((e) => e.type)).toEqual(['complaint.submitted', 'complaint.registered', 'complaint.assigned', 'deadline.set']);
  });
});
