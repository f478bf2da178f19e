"""Drug / dosage mention tagging on short clinical notes.

A tiny BERT encoder stays frozen; only rank-4 LoRA adapters on the attention
query/value projections and a per-token tag head are trained."""
import math
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

TAGS = ["O", "B-DRUG", "I-DRUG", "B-DOSE", "I-DOSE"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

NOTES = [
    (["patient", "took", "ibuprofen", "400", "mg", "for", "pain"],
     ["O", "O", "B-DRUG", "B-DOSE", "I-DOSE", "O", "O"]),
    (["started", "metformin", "500", "mg", "daily"],
     ["O", "B-DRUG", "B-DOSE", "I-DOSE", "O"]),
    (["no", "reaction", "to", "amoxicillin"],
     ["O", "O", "O", "B-DRUG"]),
    (["continue", "atorvastatin", "20", "mg", "at", "night"],
     ["O", "B-DRUG", "B-DOSE", "I-DOSE", "O", "O"]),
]

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "patient", "took", "for", "pain", "started", "daily", "no", "reaction", "to",
    "continue", "at", "night", "mg", "400", "500", "20",
    "ibu", "##profen", "met", "##form", "##in", "amoxi", "##cillin", "ator", "##va", "##statin",
]


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank=4, alpha=8):
        super().__init__()
        self.base = base
        self.base.weight.requires_grad = False
        if self.base.bias is not None:
            self.base.bias.requires_grad = False
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        self.scaling = alpha / rank

    def forward(self, x):
        return self.base(x) + (x @ self.lora_a.t() @ self.lora_b.t()) * self.scaling


def inject_lora(encoder: BertModel, rank=4):
    for p in encoder.parameters():
        p.requires_grad = False
    for layer in encoder.encoder.layer:
        attn = layer.attention.self
        attn.query = LoRALinear(attn.query, rank)
        attn.value = LoRALinear(attn.value, rank)


class DrugTagger(nn.Module):
    def __init__(self, encoder, n_tags):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.tag_head = nn.Linear(encoder.config.hidden_size, n_tags)

    def forward(self, piece_ids, piece_mask):
        hidden = self.encoder(input_ids=piece_ids, attention_mask=piece_mask).last_hidden_state
        return self.tag_head(self.dropout(hidden))


def make_batch(notes, tokenizer):
    words = [w for w, _ in notes]
    enc = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
    tag_rows = []
    for i, (_, tags) in enumerate(notes):
        row, prev = [], None
        for w in enc.word_ids(i):
            row.append(-100 if w is None or w == prev else TAG2ID[tags[w]])
            prev = w
        tag_rows.append(row)
    return enc["input_ids"], enc["attention_mask"], torch.tensor(tag_rows)


def main():
    tmp = tempfile.mkdtemp()
    vocab_file = os.path.join(tmp, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    tokenizer = BertTokenizer(vocab_file)

    config = BertConfig(
        vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=2,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
    )
    encoder = BertModel(config, add_pooling_layer=False)
    inject_lora(encoder, rank=4)
    tagger = DrugTagger(encoder, len(TAGS))

    params = [p for p in tagger.parameters() if p.requires_grad]
    n_train = sum(p.numel() for p in params)
    n_total = sum(p.numel() for p in tagger.parameters())
    print(f"training {n_train}/{n_total} parameters")

    optimizer = torch.optim.AdamW(params, lr=1e-2)
    criterion = nn.CrossEntropyLoss(ignore_index=-100)

    tagger.train()
    for step in range(20):
        piece_ids, piece_mask, gold_tags = make_batch(NOTES, tokenizer)
        scores = tagger(piece_ids, piece_mask)
        loss = criterion(scores.view(-1, len(TAGS)), gold_tags.view(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 5 == 0:
            print(f"step {step:2d}  loss {loss.item():.4f}")

    tagger.eval()
    with torch.no_grad():
        piece_ids, piece_mask, gold_tags = make_batch(NOTES[:1], tokenizer)
        pred = tagger(piece_ids, piece_mask).argmax(-1)[0]
    print([TAGS[i] for i in pred.tolist()])


if __name__ == "__main__":
    main()
