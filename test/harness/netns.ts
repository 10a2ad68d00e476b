/**
 * Private networks for the chaos tests: each agent lives in its own network namespace, joined to the host by a
 * veth pair, and the coordinator listens on an address of its own on the host's loopback, reachable from every
 * namespace through its pair. Everything sits in one /24 of 10.213.0.0/16, a range used only here; each lab
 * claims a free /24 (the coordinator address is added first, and adding an address that exists fails, so two
 * labs never share one) and names its namespaces and links with a random id.
 *
 * Layout of pair i (1-based): host side 10.213.B.(4i+1)/30, namespace side 10.213.B.(4i+2)/30 with a default
 * route through the host side; the coordinator address is 10.213.B.1/32 on `lo`.
 *
 * A cut sets the namespace's end of the pair down: the host side loses its carrier, so the coordinator's
 * packets to the agent are silently dropped (its routes stay, so nothing leaks to the host's default route),
 * and the agent finds its network unreachable. Restoring brings the link and the default route back.
 * Requires root and iproute2 (scripts/install-test-deps.sh). `destroy` is safe to call more than once and
 * after a partial `create`.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { runCommand } from './processes.js';

export interface AgentNetwork {
  /** The network namespace the agent runs in (`ip netns exec <name>`). */
  readonly namespace: string;
  readonly hostLink: string;
  readonly agentLink: string;
  readonly hostAddress: string;
  readonly agentAddress: string;
}

const PREFIX = '10.213';

export class NetworkLab {
  private readonly created: AgentNetwork[] = [];
  private coordinatorClaimed = false;

  private constructor(
    private readonly id: string,
    /** The lab's /24: `10.213.<block>.0/24`. */
    private readonly block: number,
  ) {}

  /** The address the coordinator listens on; every agent network routes to it. */
  get coordinatorAddress(): string {
    return `${PREFIX}.${this.block}.1`;
  }

  get networks(): readonly AgentNetwork[] {
    return this.created;
  }

  /** Claims a free /24 and creates `count` agent networks (at most 62). */
  static async create(count: number): Promise<NetworkLab> {
    if (count < 1 || count > 62) throw new Error(`a lab holds 1 to 62 agent networks, not ${count}`);
    const lab = await NetworkLab.claim();
    try {
      for (let i = 1; i <= count; i++) await lab.addNetwork(i);
    } catch (error) {
      await lab.destroy();
      throw error;
    }
    return lab;
  }

  private static async claim(): Promise<NetworkLab> {
    const id = randomBytes(3).toString('hex');
    for (let attempt = 0; attempt < 20; attempt++) {
      const lab = new NetworkLab(id, randomInt(1, 255));
      const added = await runCommand('ip', ['addr', 'add', `${lab.coordinatorAddress}/32`, 'dev', 'lo']);
      if (added.exitCode === 0) {
        lab.coordinatorClaimed = true;
        return lab;
      }
      if (!/exists/i.test(added.stderr)) throw new Error(`cannot add ${lab.coordinatorAddress} to lo: ${added.stderr}`);
    }
    throw new Error(`no free /24 left in ${PREFIX}.0.0/16 after 20 tries`);
  }

  private async addNetwork(index: number): Promise<void> {
    const network: AgentNetwork = {
      namespace: `baton-${this.id}-${index}`,
      // Interface names are limited to 15 characters.
      hostLink: `bt${this.id}h${index}`,
      agentLink: `bt${this.id}a${index}`,
      hostAddress: `${PREFIX}.${this.block}.${4 * index + 1}`,
      agentAddress: `${PREFIX}.${this.block}.${4 * index + 2}`,
    };
    // Recorded before anything exists, so destroy() removes whatever part of it was made.
    this.created.push(network);
    const { namespace: ns, hostLink, agentLink } = network;
    await ip(['netns', 'add', ns]);
    await ip(['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', agentLink, 'netns', ns]);
    await ip(['addr', 'add', `${network.hostAddress}/30`, 'dev', hostLink]);
    await ip(['link', 'set', hostLink, 'up']);
    await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    await ip(['-n', ns, 'addr', 'add', `${network.agentAddress}/30`, 'dev', agentLink]);
    await this.restore(index);
  }

  /** Cuts agent network `index` (1-based) off: nothing goes through until `restore`. */
  async cut(index: number): Promise<void> {
    const network = this.network(index);
    await ip(['-n', network.namespace, 'link', 'set', network.agentLink, 'down']);
  }

  /** Brings agent network `index` back (setting a link down drops its routes, so the default route is re-added). */
  async restore(index: number): Promise<void> {
    const network = this.network(index);
    await ip(['-n', network.namespace, 'link', 'set', network.agentLink, 'up']);
    await ip(['-n', network.namespace, 'route', 'replace', 'default', 'via', network.hostAddress, 'dev', network.agentLink]);
  }

  /** Removes every namespace, link and address of the lab; stop the agents in it first. */
  async destroy(): Promise<void> {
    for (const network of this.created.splice(0)) {
      // Deleting the namespace takes its end of the pair, and with it the host end; deleting the host end
      // covers a namespace some process still holds.
      await runCommand('ip', ['link', 'del', network.hostLink]);
      await runCommand('ip', ['netns', 'del', network.namespace]);
    }
    if (this.coordinatorClaimed) {
      await runCommand('ip', ['addr', 'del', `${this.coordinatorAddress}/32`, 'dev', 'lo']);
      this.coordinatorClaimed = false;
    }
  }

  private network(index: number): AgentNetwork {
    const network = this.created[index - 1];
    if (!network) throw new Error(`no agent network ${index} in this lab`);
    return network;
  }
}

async function ip(args: readonly string[]): Promise<void> {
  const result = await runCommand('ip', args);
  if (result.exitCode !== 0) throw new Error(`ip ${args.join(' ')} failed (${result.exitCode}): ${result.stderr.trim()}`);
}
