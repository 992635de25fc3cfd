package org.deeproots.reproduce.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TablesTest {

    @Test
    void markdownCsvAndText() {
        Tables t = new Tables("name", "n").rightAligned(1).row("a|b", "1,000").row("long name", "7");
        assertEquals("| name | n |\n|---|---:|\n| a\\|b | 1,000 |\n| long name | 7 |\n", t.markdown());
        assertEquals("name,n\na|b,\"1,000\"\nlong name,7\n", t.csv());
        assertEquals("name           n\n----------------\na|b        1,000\nlong name      7\n", t.text());
        assertThrows(IllegalArgumentException.class, () -> t.row("only one"));
    }

    @Test
    void numbers() {
        assertEquals("1,234,567", Tables.count(1_234_567));
        assertEquals("+1,418", Tables.signed(1418));
        assertEquals("-2,046,016", Tables.signed(-2_046_016));
        assertEquals("0", Tables.signed(0));
        assertEquals("-45.2%", Tables.change(-45.21));
        assertEquals("46.4%", Tables.percent(46.44));
        assertEquals("3x224x224", Tables.shape(new int[] {3, 224, 224}));
    }
}
