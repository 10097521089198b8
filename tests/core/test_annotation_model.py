

def test_an_area_over_form_rows_is_quoted_in_the_order_the_form_is_read() -> None:
    """A 範囲 over the row 「リスクへの対策は十分か」 (its label vertically centred beside the value and the choices)
    quotes the label first; over two rows, each row's label before its content, the rows in order."""
    import pymupdf

    from reviewer.annotations import form_reading_order
    from reviewer.paths import resource

    with pymupdf.open(resource("sample", "sample-packet.pdf")) as doc:
        blocks = doc[38].get_text("dict")["blocks"]
    lines = [("".join(span["text"] for span in line["spans"]).strip(), tuple(line["bbox"]))
             for block in blocks for line in block.get("lines", [])]
    lines = [line for line in lines if line[0]]
    label = next(box for text, box in lines if text == "リスクへの対策は十分か")

    def quoted(area: tuple[float, float, float, float]) -> list[str]:
        inside = [line for line in lines if area[0] <= (line[1][0] + line[1][2]) / 2 <= area[2]
                  and area[1] <= (line[1][1] + line[1][3]) / 2 <= area[3]]
        return [text for text, _box in form_reading_order(inside)]

    one = quoted((label[0] - 5, label[1] - 12, 560, label[3] + 12))
    assert one[0] == "リスクへの対策は十分か" and one[1].startswith("[") and one[-1].startswith("1)")
    two = quoted((label[0] - 5, label[1] - 80, 560, label[3] + 12))
    assert two[0] == "その他の措置の内容" and two.index("リスクへの対策は十分か") == len(two) - 4
