// Revisions by digest: a host's bundle download is allowed only when the digest is the revision of a deployment
// that includes the host (store/host-revisions.ts). The check starts from the few revisions with that digest (one
// per application that registered the bytes), then follows `deployments_by_revision` and deployment_hosts' primary
// key, so its cost stays that of one revision's deployments, not of the host's whole history.
export const sql = `
CREATE INDEX revisions_by_sha256 ON revisions (sha256);
`;
