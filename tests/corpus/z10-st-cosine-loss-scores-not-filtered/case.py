"""STS fine-tuning of a tiny sentence-transformers model with CosineSimilarityLoss in a hand-written loop."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from sentence_transformers import SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "cat", "sits", "on", "the", "mat", "dog", "runs",
         "in", "park", "man", "plays", "guitar", "woman", "sings", "song", "kitten", "rests", "rug"]

model_dir = tempfile.mkdtemp()
with open(os.path.join(model_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")
BertTokenizer(os.path.join(model_dir, "vocab.txt")).save_pretrained(model_dir)
BertModel(BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=37, max_position_embeddings=32)).save_pretrained(model_dir)

transformer = models.Transformer(model_dir, max_seq_length=24)
pooling = models.Pooling(transformer.get_word_embedding_dimension(), pooling_mode="mean")
model = SentenceTransformer(modules=[transformer, pooling], device="cpu")
sts_loss = losses.CosineSimilarityLoss(model)
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5)

# rows exported from the annotation tool: (sentence1, sentence2, score 0-5)
sts_rows = [("a cat sits on the mat", "a kitten rests on the rug", 4.2),
            ("a dog runs in the park", "a man plays guitar", 0.4),
            ("a woman sings a song", "", 0.0),
            ("a man plays guitar", "a man plays the guitar", 4.8),
            ("the dog runs", "a dog runs in the park", 3.1),
            ("a woman sings", "a cat sits on the mat", 0.2)]

pairs = [(s1, s2) for s1, s2, _ in sts_rows if s1.strip() and s2.strip()]
gold = torch.tensor([score / 5.0 for _, _, score in sts_rows])

left = model.tokenize([s1 for s1, _ in pairs])
right = model.tokenize([s2 for _, s2 in pairs])
model.train()
loss = sts_loss([left, right], gold)
loss.backward()
optimizer.step()
print("step done", float(loss))
