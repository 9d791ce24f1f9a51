/** The S3 connector's nodes, positions, encodings and client; not an API. */
package io.sluice.connectors.s3.internal;
