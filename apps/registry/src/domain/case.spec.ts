import { deriveStatus } from './case';

describe('complaint status (R11)', () => {
  it('is SUBMITTED before the registry hears of it', () => {
    expect(deriveStatus([])).toBe('SUBMITTED');
  });
  it('follows the lifecycle', () => {
    expect(deriveStatus(['complaint.submitted'])).toBe('DELIVERED');
    expect(deriveStatus(['complaint.submitted', 'complaint.registered'])).toBe('REGISTERED');
    expect(deriveStatus(['complaint.submitted', 'complaint.registered', 'complaint.assigned'])).toBe('ASSIGNED');
  });
  it('does not go back when facts arrive out of order', () => {
    expect(deriveStatus(['complaint.assigned', 'complaint.submitted'])).toBe('ASSIGNED');
  });
});
