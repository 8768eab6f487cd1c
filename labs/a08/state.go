package a08

import (
	"context"
	"errors"

	"google.golang.org/grpc"
)

// ListAgents returns every agent the server has attested, through the Agent
// service of the SPIRE server API. conn is a connection to the server's
// API socket.
func ListAgents(ctx context.Context, conn grpc.ClientConnInterface) ([]Agent, error) {
	// TODO(lab-08): call ListAgents on an Agent client made from conn and
	// turn each types.Agent into an Agent.
	return nil, errors.New("ListAgents is not implemented yet")
}

// ListEntries returns every registration entry, through the Entry service
// of the SPIRE server API.
func ListEntries(ctx context.Context, conn grpc.ClientConnInterface) ([]Entry, error) {
	// TODO(lab-08): call ListEntries on an Entry client made from conn and
	// turn each types.Entry into an Entry.
	return nil, errors.New("ListEntries is not implemented yet")
}

// GetBundle returns the trust bundle of the server's own trust domain,
// through the Bundle service of the SPIRE server API.
func GetBundle(ctx context.Context, conn grpc.ClientConnInterface) (Bundle, error) {
	// TODO(lab-08): call GetBundle on a Bundle client made from conn and
	// fill in every field of the Bundle.
	return Bundle{}, errors.New("GetBundle is not implemented yet")
}
