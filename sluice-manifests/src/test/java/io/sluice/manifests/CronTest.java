package io.sluice.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "0 3 * * *          | cron(0 3 * * ? *)",
                "*/15 * * * *       | cron(0/15 * * * ? *)",
                "5/20 9-17 * * *    | cron(5/20 9-17 * * ? *)",
                "0 9 * * MON-FRI    | cron(0 9 ? * MON-FRI *)",
                "0 9 * * 1-5        | cron(0 9 ? * MON-FRI *)",
                "0 0 * * 0          | cron(0 0 ? * SUN *)",
                "0 0 * * 7          | cron(0 0 ? * SUN *)",
                "0 0 * * 5-7        | cron(0 0 ? * SUN,FRI,SAT *)",
                "0 0 * * */2        | cron(0 0 ? * SUN,TUE,THU,SAT *)",
                "30 2 1,15 * *      | cron(30 2 1,15 * ? *)",
                "0 0 1 JAN,JUL *    | cron(0 0 1 1,7 ? *)",
                "0 12 ? * ?         | cron(0 12 * * ? *)",
                "0,30 0-23/6 * * *  | cron(0,30 0/6 * * ? *)",
                "0 0 1-31 * *       | cron(0 0 * * ? *)",
            })
    void eventBridgeFiresAtTheSameMinutes(String expression, String eventBridge) {
        assertThat(Cron.parse(expression).eventBridge()).isEqualTo(eventBridge);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "0 3 * * *          | 0 3 * * *",
                "0 9 * * MON-FRI    | 0 9 * * MON-FRI",
                "0 0 * * 7          | 0 0 * * 0",
                "0 0 * * 5-7        | 0 0 * * 0,5,6",
                "*/15  3   * * *    | */15 3 * * *",
            })
    void kubernetesReadsTheFieldsAsWrittenButSundayIsZero(String expression, String kubernetes) {
        assertThat(Cron.parse(expression).kubernetes()).isEqualTo(kubernetes);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"0 3 1 * MON", "0 3 */2 * 1-5"})
    void bothDayFieldsCannotBeAnEventBridgeSchedule(String expression) {
        Cron cron = Cron.parse(expression);

        assertThatThrownBy(cron::eventBridge)
                .hasMessage("cron expression '" + expression + "': fires on the days that match its day of month or"
                        + " its day of week, and an EventBridge schedule takes only one of the two; leave the other"
                        + " '*'");
        assertThat(cron.kubernetes()).as("a CronJob reads them as cron does").isEqualTo(expression);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0 3 * *       | cron expression '0 3 * *': expected 5 fields (minute hour day-of-month month"
                        + " day-of-week) but found 4",
                "61 3 * * *    | cron expression '61 3 * * *', minute field: must be from 0 to 59, found 61",
                "0 3 * * FUN   | cron expression '0 3 * * FUN', day of week field: expected a number from 0 to 7 or a"
                        + " name such as SUN but found 'FUN'",
            })
    void aMalformedExpressionIsRefusedNamingTheField(String expression, String message) {
        assertThatThrownBy(() -> Cron.parse(expression)).hasMessage(message);
    }
}
