package io.sluice.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/** Host names as the Host header and the bound address spell them, brought to one form so that they compare. */
final class HostNames {

    private HostNames() {}

    /**
     * Lower case, without a trailing dot or IPv6 brackets, an IPv6 literal in its canonical form ({@code ::1} and
     * {@code 0:0:0:0:0:0:0:1} are one host). Names are never looked up.
     */
    static String normalize(String name) {
        String host = name.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.indexOf(':') >= 0 && host.matches("[0-9a-f:.]+")) {
            try {
                host = compress(InetAddress.getByName(host).getHostAddress()); // a literal: parsed, not looked up
            } catch (UnknownHostException e) {
                // not an address after all: compared as it is
            }
        }
        return host;
    }

    /** {@code 0:0:0:0:0:0:0:1} as {@code ::1}: the longest run of zero groups written {@code ::}. */
    private static String compress(String address) {
        String[] groups = address.split(":", -1);
        if (groups.length != 8) {
            return address;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        if (bestStart < 0) {
            return address;
        }
        return String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart)) + "::"
                + String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
    }

    /**
     * The host of a Host header — {@code name}, {@code name:port} or {@code [v6]:port} — normalised; empty if the
     * header is not of that form.
     */
    static Optional<String> ofHostHeader(String header) {
        if (header == null || header.isEmpty()) {
            return Optional.empty();
        }
        String host;
        String port;
        if (header.startsWith("[")) {
            int close = header.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = header.substring(0, close + 1);
            port = header.substring(close + 1);
        } else {
            int colon = header.indexOf(':');
            host = colon < 0 ? header : header.substring(0, colon);
            port = colon < 0 ? "" : header.substring(colon);
        }
        if (!port.isEmpty() && !port.matches(":[0-9]{1,5}")) {
            return Optional.empty();
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.\\-_\\[\\]:]+")) {
            return Optional.empty();
        }
        return Optional.of(normalize(host));
    }
}
