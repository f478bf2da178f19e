"""Keyword extraction probe: score every token of a sentence-transformers model's output for being a keyword."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
from sentence_transformers import SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

abstracts = [
    "graph neural networks for molecule property prediction",
    "a survey of contrastive learning",
    "transformers for long document summarization with sparse attention",
    "robust speech recognition",
]
keywords = {"graph", "molecule", "contrastive", "transformers", "summarization", "attention", "speech"}

model_dir = tempfile.mkdtemp()
vocab = sorted({w for a in abstracts for w in a.split()})
with open(os.path.join(model_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
BertTokenizer(os.path.join(model_dir, "vocab.txt")).save_pretrained(model_dir)
BertModel(BertConfig(vocab_size=len(vocab) + 5, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)).save_pretrained(model_dir)

word_model = models.Transformer(model_dir, max_seq_length=48)
encoder = SentenceTransformer(modules=[word_model, models.Pooling(32, pooling_mode="mean")], device="cpu")
probe = nn.Linear(encoder.get_embedding_dimension(), 1)
optimizer = torch.optim.Adam(probe.parameters(), lr=1e-2)


def token_targets(text):
    ids = encoder.tokenizer(text)["input_ids"]
    pieces = encoder.tokenizer.convert_ids_to_tokens(ids)
    return torch.tensor([float(p in keywords) for p in pieces])


with torch.no_grad():
    token_vectors = encoder.encode(abstracts, output_value="token_embeddings")
features = nn.utils.rnn.pad_sequence(token_vectors, batch_first=True)
targets = nn.utils.rnn.pad_sequence([token_targets(a) for a in abstracts], batch_first=True)

for step in range(20):
    logits = probe(features).squeeze(-1)
    loss = nn.functional.binary_cross_entropy_with_logits(logits, targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("probe loss", loss.item())
