"""Forward-looking statement detection in annual report (10-K) sections.

A filing section is tokenized once into overlapping windows. A token-level
scorer (tiny BERT encoder + linear head) runs on every window; the windows are
then stitched back into one token stream by dropping the [CLS]/[SEP] positions
and the tokens each later window repeats from its predecessor (the stride).
Token scores are averaged per sentence using the stitched character offsets.
"""
import os
import re
import tempfile

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(21)

SEG_LEN = 32
SEG_OVERLAP = 8

FILING_SECTION = (
    "Net revenue increased 12 percent compared with the prior fiscal year driven by higher unit volume in "
    "the services segment. We expect capital expenditures to increase next year as we expand our "
    "distribution centers. Gross margin declined due to higher freight costs and unfavorable currency "
    "movements. Management believes that existing cash and the revolving credit facility will be "
    "sufficient to fund operations for at least the next twelve months. The company repurchased 3 "
    "million shares during the fourth quarter. We anticipate that new tariffs may adversely affect our "
    "cost of goods in future periods. Operating expenses were flat as savings from the restructuring "
    "offset wage inflation. We intend to refinance the senior notes due next year if market conditions "
    "permit."
)


class StatementScorer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, 1)

    def forward(self, input_ids, attention_mask):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(states).squeeze(-1).sigmoid()


def filing_tokenizer(text, tmp):
    words = sorted(set(re.findall(r"[a-z]+|\d+|[^\sa-z\d]", text.lower())))
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def stitch(per_window, overlap):
    head = per_window[0, 1:-1]
    tail = per_window[1:, 1 + overlap:-1]
    return torch.cat([head, tail.view(-1, *per_window.shape[2:])])


def sentence_bounds(text):
    bounds, start = [], 0
    for m in re.finditer(r"\.(\s|$)", text):
        bounds.append((start, m.end()))
        start = m.end()
    return bounds


def main():
    tmp = tempfile.mkdtemp(prefix="fls_")
    tokenizer = filing_tokenizer(FILING_SECTION, tmp)
    scorer = StatementScorer(BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=SEG_LEN,
    )).eval()

    segs = tokenizer(
        FILING_SECTION,
        max_length=SEG_LEN,
        stride=SEG_OVERLAP,
        truncation=True,
        padding="max_length",
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        return_tensors="pt",
    )
    print(f"section: {len(FILING_SECTION)} chars -> {segs['input_ids'].size(0)} windows")

    with torch.no_grad():
        token_scores = scorer(segs["input_ids"], segs["attention_mask"])

    flat_scores = stitch(token_scores, SEG_OVERLAP)
    flat_offsets = stitch(segs["offset_mapping"], SEG_OVERLAP)
    real = flat_offsets[:, 1] > flat_offsets[:, 0]
    flat_scores, flat_offsets = flat_scores[real], flat_offsets[real]
    assert bool((flat_offsets[1:, 0] >= flat_offsets[:-1, 1]).all()), "stitched offsets out of order"

    print(f"stitched stream: {flat_scores.numel()} tokens")
    for s_start, s_end in sentence_bounds(FILING_SECTION):
        inside = (flat_offsets[:, 0] >= s_start) & (flat_offsets[:, 1] <= s_end)
        score = flat_scores[inside].mean().item()
        flag = "FLS" if score > 0.5 else "   "
        print(f"{flag} {score:.3f}  {FILING_SECTION[s_start:s_end][:70]}")


if __name__ == "__main__":
    main()
