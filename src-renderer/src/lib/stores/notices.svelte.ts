/** Short messages under Data: what an import or recipe stored, what was cancelled, what failed. */
export interface Notice {
  id: number;
  kind: 'success' | 'info' | 'error';
  text: string;
  detail?: string[];
  datasetId?: number;
}

class Notices {
  list = $state<Notice[]>([]);
  private seq = 0;

  notify(kind: Notice['kind'], text: string, detail?: string[], datasetId?: number): void {
    const n: Notice = { id: ++this.seq, kind, text };
    if (detail?.length) n.detail = detail;
    if (datasetId !== undefined) n.datasetId = datasetId;
    this.list = [n, ...this.list].slice(0, 4);
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }

  /** A new job's result replaces the last one's. */
  clearSuccesses(): void {
    this.list = this.list.filter((n) => n.kind !== 'success');
  }

  clear(): void {
    this.list = [];
  }
}

export const notices = new Notices();
