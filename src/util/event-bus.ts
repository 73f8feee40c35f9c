/**
 * The node's in-process event bus: something changed that open pages should look at again.
 * Events carry no data a viewer might not be allowed to see, only what changed; each page
 * reloads what it shows through its authorised API. One bus per node context; with several
 * `accord serve` processes on one PostgreSQL, `desk/pg-events-bridge.ts` relays events between them.
 */
export interface NodeEvent {
  /** `desk.changed`: the duty desk may have new or fewer items. */
  type: 'desk.changed';
  /** Which part changed, for logs and tests: `inbox`, `api`, a capability's name. */
  source: string;
}

export type NodeEventListener = (e: NodeEvent) => void;

export class EventBus {
  private readonly listeners = new Set<NodeEventListener>();
  private readonly relays = new Set<NodeEventListener>();

  /** Tells every listener, and every relay to other processes; one that throws does not stop the others. */
  publish(e: NodeEvent): void {
    this.deliver(e);
    for (const r of [...this.relays]) {
      try {
        r(e);
      } catch {
        // A relay that failed loses this event for other processes; this one has it.
      }
    }
  }

  /** Delivers an event that came from another process of the node. */
  deliver(e: NodeEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // A broken listener (a closed stream) must not keep the event from the others.
      }
    }
  }

  /** Passes events published here (not those delivered from elsewhere) on to other processes, until the returned function is called. */
  addRelay(r: NodeEventListener): () => void {
    this.relays.add(r);
    return () => this.relays.delete(r);
  }

  /** Listens until the returned function is called. */
  subscribe(l: NodeEventListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
