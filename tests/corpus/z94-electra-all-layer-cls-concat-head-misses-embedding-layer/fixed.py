"""Emotion classifier (joy / anger / sadness) with a small ELECTRA encoder.  Following the feature-based
experiments in the BERT paper, the head reads the [CLS] vector of every hidden layer, concatenated.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertTokenizer, ElectraConfig, ElectraModel

EMOTIONS = ["joy", "anger", "sadness"]
ENCODER = dict(hidden_size=32, embedding_size=32, num_hidden_layers=3, num_attention_heads=2,
               intermediate_size=64, max_position_embeddings=64)
MESSAGES = [
    ("finally got the job i wanted", "joy"), ("they cancelled my flight again", "anger"),
    ("i miss my grandmother so much", "sadness"), ("best birthday party ever", "joy"),
    ("stop calling me at midnight", "anger"), ("our old dog passed away today", "sadness"),
    ("we won the championship", "joy"), ("the landlord ignored us for weeks", "anger"),
]


class AllLayerCLSClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes):
        super().__init__()
        config = ElectraConfig(vocab_size=vocab_size, **ENCODER)
        self.encoder = ElectraModel(config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(config.hidden_size * (config.num_hidden_layers + 1), n_classes)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True)
        cls_all = torch.cat([layer[:, 0] for layer in out.hidden_states], dim=-1)
        return self.head(self.dropout(cls_all))


def main():
    torch.manual_seed(0)
    folder = tempfile.mkdtemp(prefix="emotions-")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                           + sorted({w for t, _ in MESSAGES for w in t.split()})) + "\n")
    tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))

    def collate(rows):
        texts, emotions = zip(*rows)
        batch = tokenizer(list(texts), padding=True, truncation=True, max_length=32, return_tensors="pt")
        return batch, torch.tensor([EMOTIONS.index(e) for e in emotions])

    model = AllLayerCLSClassifier(len(tokenizer), len(EMOTIONS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loader = DataLoader(MESSAGES, batch_size=4, shuffle=True, collate_fn=collate)
    for epoch in range(3):
        for batch, labels in loader:
            loss = F.cross_entropy(model(**batch), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
