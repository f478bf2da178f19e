"""Cross-encoder for question/passage relevance on a RoBERTa-style encoder.

Pairs are tokenized with a WordPiece tokenizer built from our domain vocab and
scored by a small RoBERTa model trained from scratch.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertTokenizer, RobertaConfig, RobertaModel

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "what", "is", "the", "dose",
         "of", "aspirin", "take", "one", "tablet", "daily", "with", "water", "?", "."]

with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    f.write("\n".join(VOCAB))
tokenizer = BertTokenizer(f.name)

config = RobertaConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=2,
                       num_attention_heads=2, intermediate_size=64,
                       max_position_embeddings=64, type_vocab_size=1, pad_token_id=0)
encoder = RobertaModel(config)
scorer = torch.nn.Linear(config.hidden_size, 1)


def score_pairs(questions, passages):
    batch = tokenizer(questions, passages, padding=True, return_tensors="pt",
                      return_token_type_ids=False)
    outputs = encoder(**batch)
    cls = outputs.last_hidden_state[:, 0]
    return scorer(cls).squeeze(-1)


questions = ["what is the dose of aspirin ?", "what is the dose ?"]
passages = ["take one tablet daily with water .", "one tablet ."]
scores = score_pairs(questions, passages)
loss = torch.nn.functional.binary_cross_entropy_with_logits(scores, torch.tensor([1.0, 0.0]))
loss.backward()
