"""Suggest the follow-up action for a beehive inspection note.

BERT-style encoder with an attention-pooling head: a single learned query attends
over the token states, which worked better than CLS on our short, terse notes.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

ACTIONS = ["requeen", "feed", "treat_varroa", "add_super", "no_action"]

INSPECTIONS = [
    {"note": "no eggs seen, queen cells capped, colony queenless", "action": "requeen"},
    {"note": "light stores after rain, brood shrinking, give syrup", "action": "feed"},
    {"note": "high mite drop on board, deformed wings on workers", "action": "treat_varroa"},
    {"note": "brood box full, nectar flow on, bees bearding", "action": "add_super"},
    {"note": "calm colony, good brood pattern, stores fine", "action": "no_action"},
    {"note": "drone laying queen, spotty brood, no worker eggs", "action": "requeen"},
    {"note": "mite count above threshold after sugar roll", "action": "treat_varroa"},
    {"note": "supers heavy, flow on, little room left", "action": "add_super"},
    {"note": "stores fine", "action": "no_action"},
]


def make_tokenizer(records):
    words = sorted({w.strip(",.") for r in records for w in r["note"].split()})
    tmp = tempfile.mkdtemp(prefix="hive_tok_")
    vocab_file = os.path.join(tmp, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab_file)


class QueryPoolClassifier(nn.Module):
    def __init__(self, config, n_actions):
        super().__init__()
        self.bert = BertModel(config, add_pooling_layer=False)
        self.query = nn.Parameter(torch.randn(1, 1, config.hidden_size) * 0.02)
        self.pool_attn = nn.MultiheadAttention(config.hidden_size, num_heads=2, batch_first=True)
        self.classifier = nn.Linear(config.hidden_size, n_actions)

    def forward(self, input_ids, attention_mask, token_type_ids, **_):
        states = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).last_hidden_state
        ignore_pads = attention_mask == 0
        q = self.query.expand(states.size(0), -1, -1)
        pooled, attn_weights = self.pool_attn(q, states, states, key_padding_mask=ignore_pads)
        return self.classifier(pooled.squeeze(1)), attn_weights


def encode(tokenizer, records):
    batch = tokenizer([r["note"] for r in records], padding="longest", return_tensors="pt")
    batch = dict(batch)
    batch["action_ids"] = torch.tensor([ACTIONS.index(r["action"]) for r in records])
    return batch


def run_epoch(model, optimizer, tokenizer, records, bs):
    model.train()
    seen, loss_sum = 0, 0.0
    for i in range(0, len(records), bs):
        batch = encode(tokenizer, records[i:i + bs])
        logits, _ = model(**batch)
        loss = nn.functional.cross_entropy(logits, batch["action_ids"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(batch["action_ids"])
        seen += len(batch["action_ids"])
    return loss_sum / seen


def main():
    tokenizer = make_tokenizer(INSPECTIONS)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=48)
    model = QueryPoolClassifier(config, len(ACTIONS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)

    for epoch in range(1, 4):
        avg = run_epoch(model, optimizer, tokenizer, INSPECTIONS, bs=3)
        print(f"[epoch {epoch}] mean loss {avg:.4f}")

    model.eval()
    sample = encode(tokenizer, INSPECTIONS[-3:])
    with torch.no_grad():
        logits, weights = model(**sample)
    for rec, idx, w in zip(INSPECTIONS[-3:], logits.argmax(-1).tolist(), weights):
        print(f"{rec['note'][:40]:<40} -> {ACTIONS[idx]} (peak attn {w.max().item():.2f})")


if __name__ == "__main__":
    main()
