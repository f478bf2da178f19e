"""Word-level field extraction from insurance claim forms.

LayoutLM runs over WordPiece tokens; each OCR word is represented by the hidden state of its first piece,
and a linear head predicts the form field of the word.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMModel

torch.manual_seed(0)

CLAIM_FIELDS = ["other", "policy_no", "claimant", "incident_date", "amount"]

TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "policy", "claim", "##ant", "name", "date", "of", "loss",
          "amount", "eur", "pl", "77", "##41", "maria", "keller", "jonas", "weber", "04", "05",
          "11", "2024", "1", "200", "350", "##0", ".", ",", "-", "/", ":", "00"]

CLAIM_FORMS = [
    [("Policy", (60, 80, 180, 110), "other"), ("PL-7741", (200, 80, 360, 110), "policy_no"),
     ("Claimant", (60, 140, 220, 170), "other"), ("Maria", (240, 140, 340, 170), "claimant"),
     ("Keller", (350, 140, 460, 170), "claimant"),
     ("Date", (60, 200, 140, 230), "other"), ("04/05/2024", (160, 200, 360, 230), "incident_date"),
     ("Amount", (60, 260, 190, 290), "other"), ("1,200.00", (210, 260, 380, 290), "amount"),
     ("EUR", (390, 260, 450, 290), "amount")],
    [("Claimant", (70, 90, 230, 120), "other"), ("Jonas", (250, 90, 350, 120), "claimant"),
     ("Weber", (360, 90, 470, 120), "claimant"),
     ("Date", (70, 150, 150, 180), "other"), ("11/04/2024", (170, 150, 370, 180), "incident_date"),
     ("Amount", (70, 210, 200, 240), "other"), ("3500", (220, 210, 320, 240), "amount")],
]


@dataclass
class FormBatch:
    piece_ids: torch.Tensor      # (forms, pieces)
    piece_boxes: torch.Tensor    # (forms, pieces, 4)
    piece_mask: torch.Tensor     # (forms, pieces)
    word_starts: torch.Tensor    # (forms, words) position of each word's first piece
    word_mask: torch.Tensor      # (forms, words)
    word_fields: torch.Tensor    # (forms, words)


def encode_forms(tok, forms):
    rows = []
    for form in forms:
        ids, boxes, starts, fields = [tok.cls_token_id], [[0, 0, 0, 0]], [], []
        for word, box, field in form:
            pieces = tok.convert_tokens_to_ids(tok.tokenize(word))
            starts.append(len(ids))
            ids += pieces
            boxes += [list(box)] * len(pieces)
            fields.append(CLAIM_FIELDS.index(field))
        ids.append(tok.sep_token_id)
        boxes.append([1000, 1000, 1000, 1000])
        rows.append((ids, boxes, starts, fields))

    n_pieces = max(len(r[0]) for r in rows)
    n_words = max(len(r[2]) for r in rows)
    pad = lambda xs, n, v: xs + [v] * (n - len(xs))
    return FormBatch(
        piece_ids=torch.tensor([pad(r[0], n_pieces, tok.pad_token_id) for r in rows]),
        piece_boxes=torch.tensor([pad(r[1], n_pieces, [0, 0, 0, 0]) for r in rows]),
        piece_mask=torch.tensor([pad([1] * len(r[0]), n_pieces, 0) for r in rows]),
        word_starts=torch.tensor([pad(r[2], n_words, 0) for r in rows]),
        word_mask=torch.tensor([pad([True] * len(r[2]), n_words, False) for r in rows]),
        word_fields=torch.tensor([pad(r[3], n_words, -100) for r in rows]),
    )


class ClaimFieldTagger(nn.Module):
    def __init__(self, cfg, n_fields):
        super().__init__()
        self.backbone = LayoutLMModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.field_head = nn.Linear(cfg.hidden_size, n_fields)

    def forward(self, fb: FormBatch):
        hidden = self.backbone(input_ids=fb.piece_ids, bbox=fb.piece_boxes,
                               attention_mask=fb.piece_mask).last_hidden_state
        word_vecs = torch.gather(hidden, 1, fb.word_starts)
        return self.field_head(self.dropout(word_vecs))


def main():
    tmp = tempfile.mkdtemp(prefix="claims_")
    vocab_path = os.path.join(tmp, "claims_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(TOKENS) + "\n")
    tok = BertTokenizer(vocab_path)

    fb = encode_forms(tok, CLAIM_FORMS)
    print("pieces", tuple(fb.piece_ids.shape), "words", tuple(fb.word_starts.shape))

    cfg = LayoutLMConfig(vocab_size=len(TOKENS), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
    tagger = ClaimFieldTagger(cfg, len(CLAIM_FIELDS))
    opt = torch.optim.AdamW(tagger.parameters(), lr=1e-3)

    for it in range(10):
        scores = tagger(fb)
        loss = F.cross_entropy(scores.flatten(0, 1), fb.word_fields.flatten(), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % 3 == 0:
            print(f"iter {it} loss {loss.item():.4f}")

    tagger.eval()
    with torch.no_grad():
        guess = tagger(fb).argmax(-1)
    for form, g, m in zip(CLAIM_FORMS, guess, fb.word_mask):
        print([(w, CLAIM_FIELDS[k]) for (w, _, _), k in zip(form, g[m].tolist())])


if __name__ == "__main__":
    main()
