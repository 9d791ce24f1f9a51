/**
 * The S3 connector: {@link io.sluice.connectors.s3.S3#source} reads every object under a location in key order,
 * {@link io.sluice.connectors.s3.S3#sink} writes part files that become visible only once committed, and {@link
 * io.sluice.connectors.s3.S3Connector} makes {@code s3://bucket/prefix} a source or sink in a pipeline.
 */
package io.sluice.connectors.s3;
