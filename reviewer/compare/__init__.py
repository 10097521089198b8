"""The second meeting: a revised packet compared with the first, checked against its 別添3, comments carried over.

``compare_files(old, new)`` aligns the two versions report by report, node by node and row by row and tells each
change declared or 未申告; ``carry_comments`` gives every comment on the old version its place in the new one.
"""
