package dev.flinkesm.cli.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkesm.cli.api.ApiError.ApiException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ListQueryTest {
    private static final String A = "10000000-0000-0000-0000-000000000000";
    private static final String B = "20000000-0000-0000-0000-000000000000";
    private static final String C = "30000000-0000-0000-0000-000000000000";
    private static final List<String> ALL = List.of(A, B, C);

    private static ListQuery query(String rawQuery) {
        return ListQuery.from(new ReceivedRequest("GET", "/2015-03-31/event-source-mappings/", rawQuery, Map.of(),
                null));
    }

    @Test
    void parsesLambdasQueryParametersDecoded() {
        ListQuery q = query("FunctionName=arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af&MaxItems=2"
                + "&EventSourceArn=arn%3Aaws%3Akafka%3Aus-east-1%3A123456789012%3Acluster%2Fc%2F1&Marker=" + A);
        assertThat(q).isEqualTo(new ListQuery("arn:aws:lambda:us-east-1:123456789012:function:f",
                "arn:aws:kafka:us-east-1:123456789012:cluster/c/1", A, 2));
        assertThat(query("")).isEqualTo(new ListQuery(null, null, null, 100));
    }

    @Test
    void pagesFollowTheMarkerToTheEnd() {
        ListQuery.Page<String> first = query("MaxItems=2").page(ALL, Function.identity());
        assertThat(first.items()).containsExactly(A, B);
        assertThat(first.nextMarker()).isEqualTo(B);
        ListQuery.Page<String> second = query("MaxItems=2&Marker=" + B).page(ALL, Function.identity());
        assertThat(second.items()).containsExactly(C);
        assertThat(second.nextMarker()).isNull();
    }

    @Test
    void aPageThatEndsExactlyAtTheLastMappingHasNoNextMarker() {
        ListQuery.Page<String> page = query("MaxItems=3").page(ALL, Function.identity());
        assertThat(page.items()).containsExactly(A, B, C);
        assertThat(page.nextMarker()).isNull();
    }

    @Test
    void aMarkerOfADeletedMappingStillContinuesAfterIt() {
        String deletedBetweenAandB = "15000000-0000-0000-0000-000000000000";
        assertThat(query("Marker=" + deletedBetweenAandB).page(ALL, Function.identity()).items()).containsExactly(B, C);
    }

    @Test
    void refusesMaxItemsOutOfRangeAndMarkersItDidNotIssue() {
        for (String bad : List.of("MaxItems=0", "MaxItems=10001", "MaxItems=abc", "Marker=zzz")) {
            assertThatThrownBy(() -> query(bad)).as(bad).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.error().type()).isEqualTo("InvalidParameterValueException"));
        }
    }
}
