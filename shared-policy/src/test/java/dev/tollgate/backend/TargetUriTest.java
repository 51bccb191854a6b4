package dev.tollgate.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class TargetUriTest {

    @Test
    void targets_joinTheBasePathAndTheRequestPath() {
        assertThat(TargetUri.of(URI.create("http://h:1"), "/orders", "a=1&b=2"))
                .isEqualTo(URI.create("http://h:1/orders?a=1&b=2"));
        assertThat(TargetUri.of(URI.create("https://h/v1/"), "/orders", "a=1&b=2"))
                .isEqualTo(URI.create("https://h/v1/orders?a=1&b=2"));
    }

    @Test
    void targets_percentEncodeWhatAUriCannotHold_andKeepTheRestAsSent() {
        assertThat(TargetUri.of(URI.create("http://h:1"), "/a b/€/x?#|", "q={x}|y&e=%zz&ok=%41[]&t=a?b#c&u=é"))
                .hasToString("http://h:1/a%20b/%E2%82%AC/x%3F%23%7C?q=%7Bx%7D%7Cy&e=%25zz&ok=%41[]&t=a?b%23c&u=%C3%A9");
        assertThat(TargetUri.of(URI.create("http://h:1"), "/orders/7;v=1:@!$&'()*+,=-._~%2F", "a=1&b=/:@!$'()*+,;"))
                .hasToString("http://h:1/orders/7;v=1:@!$&'()*+,=-._~%2F?a=1&b=/:@!$'()*+,;");
    }
}
