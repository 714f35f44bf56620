import { planChanges, validateRecords, type DirectoryChange, type DirectoryEvent, type DirectoryProblem, type DirectoryRecord, type DirectoryState } from './directory-changes';
import type { Official, Organization } from './directory';

export interface DirectoryPorts {
  state(): Promise<DirectoryState>;
  saveOrganization(org: Organization): Promise<void>;
  saveOfficial(official: Official): Promise<void>;
  emit(event: DirectoryEvent): Promise<{ status: 'appended' | 'duplicate' }>;
}

export interface ApplyOptions {
  dryRun: boolean;
  correlationId: string;
  /** Problems found while reading the file (they also stop the whole change). */
  problems?: DirectoryProblem[];
  /** Service codes the same file brings into the catalog (known to a dry run before they are stored). */
  serviceCodes?: string[];
  now?: Date;
}

export interface DirectoryReport {
  dryRun: boolean;
  /** true when the changes were applied; never when a problem was found (nothing half-applied). */
  applied: boolean;
  changes: DirectoryChange[];
  problems: DirectoryProblem[];
  created: number;
  updated: number;
  unchanged: number;
  /** Events appended (0 on a dry run and for unchanged data). */
  published: number;
}

/**
 * Changes of the directory (seed, bulk import, a supervisor's mutation): every record is
 * validated first, and if any is bad nothing is applied and every problem is reported with
 * its line; a dry run reports what would change. Each change is appended as events (the
 * outbox other services project from) and then written to routing's read model.
 *
 * Changes are serialized within the process: the read model's documents are replaced whole,
 * and FerretDB would lose one of two concurrent replaces of one document (architecture.md).
 */
export class DirectoryService {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly ports: DirectoryPorts) {}

  apply(records: DirectoryRecord[], opts: ApplyOptions): Promise<DirectoryReport> {
    const run = this.tail.then(() => this.applyNow(records, opts));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async applyNow(
    records: DirectoryRecord[],
    opts: ApplyOptions,
  ): Promise<DirectoryReport> {
    const loaded = await this.ports.state();
    const state = { ...loaded, serviceCodes: new Set([...loaded.serviceCodes, ...(opts.serviceCodes ?? [])]) };
    const { valid, problems } = validateRecords(records, state);
    const allProblems = [...(opts.problems ?? []), ...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    // Organizations first: an official's organization must exist before the official.
    const ordered = [...valid.filter((r) => r.entity === 'ORGANIZATION'), ...valid.filter((r) => r.entity === 'OFFICIAL')];
    const changes = allProblems.length ? [] : planChanges(ordered, state, opts.correlationId, opts.now);
    const count = (k: DirectoryChange['change']) => changes.filter((c) => c.change === k).length;
    const report: DirectoryReport = {
      dryRun: opts.dryRun,
      applied: false,
      changes,
      problems: allProblems,
      created: count('CREATE'),
      updated: count('UPDATE'),
      unchanged: count('UNCHANGED'),
      published: 0,
    };
    if (opts.dryRun || allProblems.length) return report;
    for (const change of changes) {
      if (change.change === 'UNCHANGED') continue;
      for (const event of change.events) if ((await this.ports.emit(event)).status === 'appended') report.published++;
      if (change.entity === 'ORGANIZATION') await this.ports.saveOrganization(change.after as Organization);
      else await this.ports.saveOfficial(change.after as Official);
    }
    report.applied = true;
    return report;
  }
}
