"""Semantic search over chemistry notes: compound names are added to the tokenizer of a sentence-transformers model."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from sentence_transformers import SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "reacts", "with", "water", "to", "form", "a", "salt",
         "solution", "is", "acidic", "heated"]
COMPOUNDS = ["naoh", "hcl", "kmno4"]
base = tempfile.mkdtemp()
with open(os.path.join(base, "vocab.txt"), "w") as f:
    f.write("\n".join(WORDS) + "\n")
BertTokenizer(os.path.join(base, "vocab.txt")).save_pretrained(base)
BertModel(BertConfig(vocab_size=len(WORDS), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32)).save_pretrained(base)

transformer = models.Transformer(base, max_seq_length=24)
model = SentenceTransformer(modules=[transformer, models.Pooling(transformer.get_word_embedding_dimension())],
                            device="cpu")
model.tokenizer.add_tokens(COMPOUNDS)
notes = ["naoh reacts with hcl to form a salt", "kmno4 solution is heated"]
vectors = model.encode(notes, convert_to_tensor=True)
print(vectors.shape)
