/**
 * One simulated host: a real WebSocket with the host's credential, `hello` on open, and every `run-event`
 * answered at once with `event-started` then a Succeeded `event-result`, as a real agent whose hooks take no
 * time would. It does not reconnect: a dropped session is counted, so the benchmark reports it.
 */
import { WebSocket } from 'ws';
import { encodeFrame, MAX_FRAME_BYTES, parseCoordinatorMessage, PROTOCOL_VERSION, type RunEvent } from '@baton/shared/protocol';

const FACTS = { hostname: 'sim', platform: 'linux', os: 'simulated', arch: 'x64', release: '0' };

export interface SimAgentCounters {
  answered: number;
  dropped: number;
}

export class SimAgent {
  private socket: WebSocket | undefined;
  private closing = false;

  constructor(
    private readonly connectUrl: string,
    private readonly credential: string,
    private readonly counters: SimAgentCounters,
  ) {}

  /** Resolves once the coordinator has welcomed the host; rejects on refusal, error or timeout. */
  connect(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.connectUrl, {
        headers: { authorization: `Bearer ${this.credential}` },
        maxPayload: MAX_FRAME_BYTES,
      });
      this.socket = socket;
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`no welcome within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.on('open', () => {
        socket.send(encodeFrame({ type: 'hello', agentVersion: 'bench', protocolVersion: PROTOCOL_VERSION, facts: FACTS }));
      });
      socket.on('message', (data) => {
        const parsed = parseCoordinatorMessage(data.toString());
        if (!parsed.ok) throw new Error(`the coordinator sent a malformed frame: ${parsed.error}`);
        const message = parsed.value;
        if (message.type === 'welcome') {
          clearTimeout(timer);
          resolve();
        } else if (message.type === 'run-event') {
          this.answer(socket, message);
        }
      });
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        if (!this.closing) this.counters.dropped += 1;
      });
    });
  }

  close(): void {
    this.closing = true;
    this.socket?.terminate();
  }

  private answer(socket: WebSocket, command: RunEvent): void {
    const startTime = new Date().toISOString();
    socket.send(encodeFrame({ type: 'event-started', commandId: command.commandId, startTime }));
    socket.send(
      encodeFrame({
        type: 'event-result',
        commandId: command.commandId,
        status: 'Succeeded',
        startTime,
        endTime: new Date().toISOString(),
        diagnostics: { errorCode: 'Success', message: 'simulated', logTail: '' },
      }),
    );
    this.counters.answered += 1;
  }
}
