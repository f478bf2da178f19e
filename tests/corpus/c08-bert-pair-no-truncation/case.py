"""Query/passage relevance scoring with a small BERT cross-encoder."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
WORDS = ("how do i reset my password you can the account settings page click on forgot link and "
         "follow steps sent to your email if it does not arrive check spam folder").split()


class CrossEncoder(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.scorer = nn.Linear(cfg.hidden_size, 1)

    def forward(self, **enc):
        cls = self.bert(**enc).last_hidden_state[:, 0]
        return self.scorer(cls).squeeze(-1)


vocab_file = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab_file, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))))
tokenizer = BertTokenizer(vocab_file)
model = CrossEncoder(len(tokenizer)).eval()

query = "how do i reset my password"
passage = ("you can reset your password on the account settings page click on the forgot password link "
           "and follow the steps sent to your email if the email does not arrive check your spam folder ") * 2
enc = tokenizer(query, passage, return_tensors="pt")
with torch.no_grad():
    score = model(**enc)
print(f"relevance: {score.item():.3f}")
