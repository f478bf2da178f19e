"""Extractive QA over contract clauses with a small BERT encoder and a custom span head.

The span head scores every token by looking at the token itself together with a
summary of the question tokens, so that clause spans are picked relative to what
was asked ("who is the licensee", "what is the notice period", ...).
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizerFast

WORDS = (
    "the licensee licensor shall pay a fee of thirty days notice period agreement "
    "terminate may either party written within term years this is governed by laws "
    "state new york who what how long which termination royalty percent net sales "
    "five ten acme corp beta ltd and on upon breach cure"
).split()

CONTRACT_QA = [
    {
        "clause": "this agreement is governed by the laws of the state of new york",
        "question": "which laws govern this agreement",
        "answer": "the laws of the state of new york",
    },
    {
        "clause": "either party may terminate upon thirty days written notice",
        "question": "how long is the notice period",
        "answer": "thirty days",
    },
    {
        "clause": "the licensee shall pay a royalty of five percent of net sales",
        "question": "what royalty shall the licensee pay",
        "answer": "five percent of net sales",
    },
    {
        "clause": "acme corp is the licensor and beta ltd is the licensee",
        "question": "who is the licensee",
        "answer": "beta ltd",
    },
]


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(WORDS))) + "\n")
    return path


class ClauseSpanHead(nn.Module):
    """Scores start/end for each token using [token ; mean(question tokens)]."""

    def __init__(self, hidden_dim):
        super().__init__()
        self.dropout = nn.Dropout(0.1)
        self.start_end = nn.Linear(2 * hidden_dim, 2)

    def forward(self, token_states, question_mask):
        qm = question_mask.unsqueeze(-1).float()
        question_vec = (token_states * qm).sum(1) / qm.sum(1).clamp(min=1.0)
        question_vec = question_vec.unsqueeze(1).expand_as(token_states)
        feats = torch.cat([token_states, question_vec], dim=-1)
        scores = self.start_end(self.dropout(feats))
        start_scores, end_scores = scores.unbind(dim=-1)
        return start_scores, end_scores


def encode_examples(tokenizer, examples, max_len):
    enc = tokenizer(
        [ex["question"] for ex in examples],
        [ex["clause"] for ex in examples],
        truncation="only_second",
        max_length=max_len,
        padding="max_length",
        return_offsets_mapping=True,
        return_tensors="pt",
    )
    starts, ends, q_masks = [], [], []
    for i, ex in enumerate(examples):
        char_start = ex["clause"].index(ex["answer"])
        char_end = char_start + len(ex["answer"])
        seq_ids = enc.sequence_ids(i)
        offsets = enc["offset_mapping"][i].tolist()
        q_masks.append([1 if s == 0 else 0 for s in seq_ids])
        tok_start = tok_end = 0
        for t, (sid, (a, b)) in enumerate(zip(seq_ids, offsets)):
            if sid != 1:
                continue
            if a <= char_start < b:
                tok_start = t
            if a < char_end <= b:
                tok_end = t
        starts.append(tok_start)
        ends.append(tok_end)
    enc.pop("offset_mapping")
    enc["question_mask"] = torch.tensor(q_masks)
    enc["start_positions"] = torch.tensor(starts)
    enc["end_positions"] = torch.tensor(ends)
    return enc


def main():
    torch.manual_seed(0)
    tmp = tempfile.mkdtemp()
    tokenizer = BertTokenizerFast(write_vocab(tmp))

    enc_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    encoder = BertModel(enc_cfg, add_pooling_layer=False)
    head = ClauseSpanHead(enc_cfg.hidden_size)
    params = list(encoder.parameters()) + list(head.parameters())
    optim = torch.optim.AdamW(params, lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    batch = encode_examples(tokenizer, CONTRACT_QA, max_len=32)
    encoder.train()
    head.train()
    for step in range(5):
        hidden = encoder(
            input_ids=batch["input_ids"],
            attention_mask=batch["attention_mask"],
            token_type_ids=batch["token_type_ids"],
        ).last_hidden_state
        start_scores, end_scores = head(hidden, batch["question_mask"])
        pad = batch["attention_mask"] == 0
        start_scores = start_scores.masked_fill(pad, -1e4)
        end_scores = end_scores.masked_fill(pad, -1e4)
        loss = (loss_fn(start_scores, batch["start_positions"])
                + loss_fn(end_scores, batch["end_positions"])) / 2
        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"step {step} span loss {loss.item():.4f}")

    head.eval()
    encoder.eval()
    with torch.no_grad():
        hidden = encoder(**{k: batch[k] for k in ("input_ids", "attention_mask", "token_type_ids")}).last_hidden_state
        s, e = head(hidden, batch["question_mask"])
    for i, ex in enumerate(CONTRACT_QA):
        a, b = int(s[i].argmax()), int(e[i].argmax())
        span = tokenizer.decode(batch["input_ids"][i][a:b + 1]) if b >= a else ""
        print(f"{ex['question']!r} -> {span!r} (gold {ex['answer']!r})")


if __name__ == "__main__":
    main()
