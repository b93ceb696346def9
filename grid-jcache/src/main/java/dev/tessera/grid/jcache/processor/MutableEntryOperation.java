/**
 *  Copyright 2011-2013 Terracotta, Inc.
 *  Copyright 2011-2013 Oracle America Incorporated
 *
 *  Licensed under the Apache License, Version 2.0 (the "License");
 *  you may not use this file except in compliance with the License.
 *  You may obtain a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 *  Unless required by applicable law or agreed to in writing, software
 *  distributed under the License is distributed on an "AS IS" BASIS,
 *  WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 *  See the License for the specific language governing permissions and
 *  limitations under the License.
 */

package dev.tessera.grid.jcache.processor;

import javax.cache.processor.MutableEntry;

/**
 * The operation to perform on a {@link dev.tessera.grid.jcache.TesseraCachedValue} as a result of
 * actions performed on a {@link MutableEntry}.
 */
public enum MutableEntryOperation {
  /**
   * Don't perform any operations on the {@link dev.tessera.grid.jcache.TesseraCachedValue}.
   */
  NONE,

  /**
   * Access an existing {@link dev.tessera.grid.jcache.TesseraCachedValue}.
   */
  ACCESS,

  /**
   * Create a new {@link dev.tessera.grid.jcache.TesseraCachedValue}.
   */
  CREATE,

  /**
   * Loaded a new {@link dev.tessera.grid.jcache.TesseraCachedValue}.
   */
  LOAD,

  /**
   * Remove the {@link dev.tessera.grid.jcache.TesseraCachedValue} (and thus the Cache Entry).
   */
  REMOVE,

  /**
   * Update the {@link dev.tessera.grid.jcache.TesseraCachedValue}.
   */
  UPDATE;
}
