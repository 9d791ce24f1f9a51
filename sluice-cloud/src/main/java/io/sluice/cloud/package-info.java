/** The typed-object cloud: nodes, clients, object types and the {@code cloud://} connector. */
package io.sluice.cloud;
