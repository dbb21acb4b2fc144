package dev.pointsman.streams.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
    @Test
    void aPoolGetsASecondsWorthAtOnceThenTheRateAndOtherPoolsTheirOwn() throws Exception {
        AtomicLong now = new AtomicLong(0);
        RateLimits limits = new RateLimits(5, now::get);
        for (int i = 0; i < 5; i++) {
            limits.take("p");
        }
        assertThatThrownBy(() -> limits.take("p"))
                .isInstanceOf(BadRequest.class)
                .hasMessage("pool 'p' is over its rate limit of 5.0 requests/s (--rate-limit)")
                .satisfies(e -> assertThat(((BadRequest) e).status).isEqualTo(429));
        limits.take("q"); // another pool's allowance is its own
        now.addAndGet(200_000_000); // 0.2 s: one more request
        limits.take("p");
        assertThatThrownBy(() -> limits.take("p")).isInstanceOf(BadRequest.class);
        now.addAndGet(10_000_000_000L); // a long pause refills a second's worth, no more
        for (int i = 0; i < 5; i++) {
            limits.take("p");
        }
        assertThatThrownBy(() -> limits.take("p")).isInstanceOf(BadRequest.class);
    }

    @Test
    void theApiAdmitsARoutingRequestOnlyWithinItsPoolsLimit() throws Exception {
        // An open API (no tokens) reads nothing of the request to authorize it.
        Auth auth = new Auth(java.util.Map.of(), new RateLimits(1, () -> 0), null);
        auth.admit(null, "p");
        assertThatThrownBy(() -> auth.admit(null, "p"))
                .satisfies(e -> assertThat(((BadRequest) e).status).isEqualTo(429));
        auth.authorize(null, "p"); // reading metrics, reporting outcomes: not limited
    }

    @Test
    void zeroIsNoLimit() throws Exception {
        RateLimits none = new RateLimits(0, () -> 0);
        for (int i = 0; i < 10_000; i++) {
            none.take("p");
        }
    }
}
