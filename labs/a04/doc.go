// Package a04 is lab 04, "Trust bundles and JWT-SVIDs": verifying an
// X.509-SVID chain against a trust bundle, and fetching and validating a
// JWT-SVID for an audience.
package a04
