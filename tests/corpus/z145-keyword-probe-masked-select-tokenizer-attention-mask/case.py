"""Token-level keyword probe: does a frozen tiny BERT's token state tell keywords from filler words?"""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizerFast

torch.manual_seed(0)
KEYWORDS = {"invoice", "refund", "password", "delivery", "cancel", "upgrade"}
QUERIES = [
    "where is my refund",
    "i want to cancel my plan",
    "reset password please",
    "delivery is late again",
    "how do i upgrade",
    "send the invoice to my email",
]


class FrozenEncoder:
    def __init__(self, folder):
        words = sorted({w for q in QUERIES for w in q.split()})
        with open(os.path.join(folder, "vocab.txt"), "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
        self.tokenizer = BertTokenizerFast(os.path.join(folder, "vocab.txt"))
        self.bert = BertModel(BertConfig(vocab_size=len(self.tokenizer), hidden_size=32, num_hidden_layers=1,
                                         num_attention_heads=2, intermediate_size=37,
                                         max_position_embeddings=64)).eval()

    @torch.no_grad()
    def token_states(self, texts):
        """States of the real (non-padding) tokens, flattened to (num_tokens, hidden), plus their strings."""
        enc = self.tokenizer(texts, padding=True, return_tensors="pt", add_special_tokens=False)
        hidden = self.bert(**enc).last_hidden_state
        keep = enc["attention_mask"]
        states = hidden.masked_select(keep.unsqueeze(-1)).view(-1, hidden.shape[-1])
        tokens = [tok for row, ids in enumerate(enc["input_ids"])
                  for tok, m in zip(self.tokenizer.convert_ids_to_tokens(ids), keep[row]) if m]
        return states, tokens


def fit_probe(states, targets, steps=50):
    probe = nn.Linear(states.shape[1], 2)
    opt = torch.optim.Adam(probe.parameters(), lr=1e-2)
    for _ in range(steps):
        loss = nn.functional.cross_entropy(probe(states), targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return probe, loss.item()


if __name__ == "__main__":
    encoder = FrozenEncoder(tempfile.mkdtemp())
    states, tokens = encoder.token_states(QUERIES)
    targets = torch.tensor([int(tok in KEYWORDS) for tok in tokens])
    probe, final_loss = fit_probe(states, targets)
    acc = (probe(states).argmax(-1) == targets).float().mean().item()
    print(f"{len(tokens)} tokens, probe loss {final_loss:.3f}, accuracy {acc:.2f}")
