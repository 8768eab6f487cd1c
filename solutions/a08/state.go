package a08

import (
	"context"
	"encoding/pem"
	"time"

	agentv1 "github.com/spiffe/spire-api-sdk/proto/spire/api/server/agent/v1"
	bundlev1 "github.com/spiffe/spire-api-sdk/proto/spire/api/server/bundle/v1"
	entryv1 "github.com/spiffe/spire-api-sdk/proto/spire/api/server/entry/v1"
	"github.com/spiffe/spire-api-sdk/proto/spire/api/types"
	"google.golang.org/grpc"
)

// pageSize is the number of items one List call requests. The server returns
// at most that many, with a token for the next page.
const pageSize = 100

// ListAgents returns every agent the server has attested, through the Agent
// service of the SPIRE server API. conn is a connection to the server's
// API socket.
func ListAgents(ctx context.Context, conn grpc.ClientConnInterface) ([]Agent, error) {
	client := agentv1.NewAgentClient(conn)
	var agents []Agent
	request := &agentv1.ListAgentsRequest{PageSize: pageSize}
	for {
		response, err := client.ListAgents(ctx, request)
		if err != nil {
			return nil, err
		}
		for _, a := range response.Agents {
			agents = append(agents, Agent{
				SPIFFEID:        idString(a.Id),
				AttestationType: a.AttestationType,
				SerialNumber:    a.X509SvidSerialNumber,
				ExpiresAt:       time.Unix(a.X509SvidExpiresAt, 0).UTC(),
				Banned:          a.Banned,
			})
		}
		if response.NextPageToken == "" {
			return agents, nil
		}
		request.PageToken = response.NextPageToken
	}
}

// ListEntries returns every registration entry, through the Entry service
// of the SPIRE server API.
func ListEntries(ctx context.Context, conn grpc.ClientConnInterface) ([]Entry, error) {
	client := entryv1.NewEntryClient(conn)
	var entries []Entry
	request := &entryv1.ListEntriesRequest{PageSize: pageSize}
	for {
		response, err := client.ListEntries(ctx, request)
		if err != nil {
			return nil, err
		}
		for _, e := range response.Entries {
			var selectors []string
			for _, s := range e.Selectors {
				selectors = append(selectors, s.Type+":"+s.Value)
			}
			entries = append(entries, Entry{
				ID:          e.Id,
				SPIFFEID:    idString(e.SpiffeId),
				ParentID:    idString(e.ParentId),
				Selectors:   selectors,
				X509SVIDTTL: e.X509SvidTtl,
			})
		}
		if response.NextPageToken == "" {
			return entries, nil
		}
		request.PageToken = response.NextPageToken
	}
}

// GetBundle returns the trust bundle of the server's own trust domain,
// through the Bundle service of the SPIRE server API.
func GetBundle(ctx context.Context, conn grpc.ClientConnInterface) (Bundle, error) {
	b, err := bundlev1.NewBundleClient(conn).GetBundle(ctx, &bundlev1.GetBundleRequest{})
	if err != nil {
		return Bundle{}, err
	}
	var authorities []byte
	for _, ca := range b.X509Authorities {
		authorities = append(authorities, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Asn1})...)
	}
	var keyIDs []string
	for _, key := range b.JwtAuthorities {
		keyIDs = append(keyIDs, key.KeyId)
	}
	return Bundle{
		TrustDomain:        b.TrustDomain,
		SequenceNumber:     b.SequenceNumber,
		X509AuthoritiesPEM: string(authorities),
		JWTKeyIDs:          keyIDs,
	}, nil
}

// idString writes a SPIFFE ID in the API's form (trust domain and path
// apart) as spiffe://<trust domain><path>.
func idString(id *types.SPIFFEID) string {
	if id == nil {
		return ""
	}
	return "spiffe://" + id.TrustDomain + id.Path
}
